/**
 * Direct group memberships as member codes (see `userCode`/`groupCode`): the generated members
 * stay in their sorted Int32Array and later changes live in small per-group add/remove sets, so
 * adding one member to a 100,000-member group costs the same as adding one to a 2-member group.
 *
 * Every change is logged per (group, member) with its tenant version, which is what
 * `members@delta` reports on the next delta round.
 */

function binarySearch(list: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = list[mid]!;
    if (at === value) return true;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export class MembershipTable {
  readonly #base: Int32Array[];
  readonly #added = new Map<number, Set<number>>();
  readonly #removed = new Map<number, Set<number>>();
  readonly #sorted = new Map<number, Int32Array>();
  readonly #changes = new Map<number, Map<number, number>>();
  readonly #lastVersion: number[];
  #total: number;
  #version = 0;

  constructor(base: Int32Array[]) {
    this.#base = base;
    this.#lastVersion = base.map(() => 0);
    this.#total = base.reduce((sum, list) => sum + list.length, 0);
  }

  /** Total direct memberships. */
  get total(): number {
    return this.#total;
  }

  /** Bumped on every membership change anywhere; caches of transitive closures key on it. */
  get version(): number {
    return this.#version;
  }

  /** Registers a group added after generation (with no members). */
  addGroup(): void {
    this.#base.push(new Int32Array(0));
    this.#lastVersion.push(0);
  }

  has(group: number, code: number): boolean {
    if (this.#removed.get(group)?.has(code)) return false;
    if (this.#added.get(group)?.has(code)) return true;
    const base = this.#base[group];
    return base !== undefined && binarySearch(base, code);
  }

  add(group: number, code: number, version: number): boolean {
    if (this.has(group, code)) return false;
    const removed = this.#removed.get(group);
    if (removed?.has(code)) removed.delete(code);
    else this.#setOf(this.#added, group).add(code);
    this.#total++;
    this.#record(group, code, version);
    return true;
  }

  remove(group: number, code: number, version: number): boolean {
    if (!this.has(group, code)) return false;
    const added = this.#added.get(group);
    if (added?.has(code)) added.delete(code);
    else this.#setOf(this.#removed, group).add(code);
    this.#total--;
    this.#record(group, code, version);
    return true;
  }

  /** Current direct members, sorted by code (groups first). Do not mutate the result. */
  members(group: number): Int32Array {
    const base = this.#base[group];
    if (base === undefined) return new Int32Array(0);
    const added = this.#added.get(group);
    const removed = this.#removed.get(group);
    if ((added?.size ?? 0) === 0 && (removed?.size ?? 0) === 0) return base;
    let sorted = this.#sorted.get(group);
    if (!sorted) {
      const kept = removed && removed.size > 0 ? base.filter((code) => !removed.has(code)) : base;
      sorted = new Int32Array(kept.length + (added?.size ?? 0));
      sorted.set(kept);
      sorted.set([...(added ?? [])], kept.length);
      sorted.sort();
      this.#sorted.set(group, sorted);
    }
    return sorted;
  }

  memberCount(group: number): number {
    return this.members(group).length;
  }

  /** Version of the last membership change in this group (0 if none since generation). */
  lastVersion(group: number): number {
    return this.#lastVersion[group] ?? 0;
  }

  /** Members whose membership changed after `since`, sorted by code, with whether they are in now. */
  changesSince(group: number, since: number): { code: number; present: boolean }[] {
    const changes = this.#changes.get(group);
    if (!changes || this.lastVersion(group) <= since) return [];
    const out: { code: number; present: boolean }[] = [];
    for (const [code, version] of changes) {
      if (version > since) out.push({ code, present: this.has(group, code) });
    }
    return out.sort((a, b) => a.code - b.code);
  }

  /** Groups that directly contain the member. Scans every group: fine for a thousand groups. */
  groupsOf(code: number): number[] {
    const out: number[] = [];
    for (let g = 0; g < this.#base.length; g++) if (this.has(g, code)) out.push(g);
    return out;
  }

  get groupCount(): number {
    return this.#base.length;
  }

  #record(group: number, code: number, version: number): void {
    let changes = this.#changes.get(group);
    if (!changes) this.#changes.set(group, (changes = new Map<number, number>()));
    changes.set(code, version);
    this.#lastVersion[group] = version;
    this.#sorted.delete(group);
    this.#version++;
  }

  #setOf(map: Map<number, Set<number>>, group: number): Set<number> {
    let set = map.get(group);
    if (!set) map.set(group, (set = new Set()));
    return set;
  }
}
