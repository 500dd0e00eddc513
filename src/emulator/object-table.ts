/**
 * A versioned table of directory objects (users or groups) over the generated tenant.
 *
 * Generated objects are rebuilt on demand from the seed; only objects changed or added after
 * generation are stored. Every change records the tenant version at which it happened, per
 * property, so delta queries can answer "what changed since version v" for a `$select`, and
 * `Prefer: return=minimal` can return just the changed properties.
 */
import type { RemovedReason } from './directory-types.js';

export const ObjectState = { Active: 0, SoftDeleted: 1, HardDeleted: 2 } as const;
export type ObjectState = (typeof ObjectState)[keyof typeof ObjectState];

export interface ChangeMeta {
  /** Version at which the object was added or restored (0 for generated objects). */
  createdVersion: number;
  /** Version of the last change per property, including relationships such as `manager`. */
  propVersions: Map<string, number>;
  removedVersion: number;
  removedReason: RemovedReason | null;
}

export interface ObjectTableSource<T> {
  count: number;
  record(index: number): T;
  id(index: number): string;
  /** An alternate unique key (lower-cased), e.g. the user principal name. */
  alternateKey?: (record: T) => string | null;
}

export class ObjectTable<T extends { id: string }> {
  readonly #source: ObjectTableSource<T>;
  readonly #records = new Map<number, T>();
  readonly #meta = new Map<number, ChangeMeta>();
  #state: Uint8Array;
  #lastVersion: Uint32Array;
  #size: number;
  #active: number;
  #byId: Map<string, number> | null = null;
  #byKey: Map<string, number> | null = null;

  constructor(source: ObjectTableSource<T>) {
    this.#source = source;
    this.#size = source.count;
    this.#active = source.count;
    this.#state = new Uint8Array(Math.max(16, source.count));
    this.#lastVersion = new Uint32Array(Math.max(16, source.count));
  }

  /** Number of slots, deleted objects included; indices run from 0 to size - 1. */
  get size(): number {
    return this.#size;
  }

  get activeCount(): number {
    return this.#active;
  }

  /** The current record. Treat it as read-only: changes go through `update`. */
  record(index: number): T {
    return this.#records.get(index) ?? this.#source.record(index);
  }

  id(index: number): string {
    return this.#records.get(index)?.id ?? this.#source.id(index);
  }

  state(index: number): ObjectState {
    return (this.#state[index] ?? ObjectState.HardDeleted) as ObjectState;
  }

  isActive(index: number): boolean {
    return index >= 0 && index < this.#size && this.#state[index] === ObjectState.Active;
  }

  lastVersion(index: number): number {
    return this.#lastVersion[index] ?? 0;
  }

  meta(index: number): ChangeMeta | undefined {
    return this.#meta.get(index);
  }

  /** Index of the object with this id (any case) or alternate key, or -1. Deleted objects count. */
  indexOf(idOrKey: string): number {
    const lower = idOrKey.toLowerCase();
    const byId = (this.#byId ??= this.#buildIdIndex()).get(lower);
    if (byId !== undefined) return byId;
    if (!this.#source.alternateKey) return -1;
    return (this.#byKey ??= this.#buildKeyIndex()).get(lower) ?? -1;
  }

  add(record: T, version: number): number {
    const index = this.#size++;
    this.#ensureCapacity(this.#size);
    this.#records.set(index, record);
    this.#state[index] = ObjectState.Active;
    this.#active++;
    this.#byId?.set(record.id.toLowerCase(), index);
    this.#indexKey(record, index);
    this.#metaOf(index).createdVersion = version;
    this.#lastVersion[index] = version;
    return index;
  }

  /** Applies the patch and returns the properties whose value really changed. */
  update(index: number, patch: Partial<T>, version: number): (keyof T & string)[] {
    const current = this.record(index);
    const next = { ...current };
    const changed: (keyof T & string)[] = [];
    for (const key of Object.keys(patch) as (keyof T & string)[]) {
      const value = patch[key];
      if (value === undefined || key === 'id') continue;
      if (JSON.stringify(current[key]) === JSON.stringify(value)) continue;
      next[key] = value;
      changed.push(key);
    }
    if (changed.length === 0) return changed;
    const oldKey = this.#source.alternateKey?.(current) ?? null;
    this.#records.set(index, next);
    if (oldKey !== null) this.#byKey?.delete(oldKey);
    this.#indexKey(next, index);
    for (const key of changed) this.touch(index, key, version);
    return changed;
  }

  /** Records a change to a property or relationship without changing the record itself. */
  touch(index: number, property: string, version: number): void {
    this.#metaOf(index).propVersions.set(property, version);
    this.#lastVersion[index] = version;
  }

  remove(index: number, reason: RemovedReason, version: number): void {
    if (this.#state[index] === ObjectState.Active) this.#active--;
    this.#state[index] = reason === 'deleted' ? ObjectState.HardDeleted : ObjectState.SoftDeleted;
    const meta = this.#metaOf(index);
    meta.removedVersion = version;
    meta.removedReason = reason;
    this.#lastVersion[index] = version;
  }

  /** Brings a soft-deleted object back; delta then reports it like a new object. */
  restore(index: number, version: number): void {
    this.#state[index] = ObjectState.Active;
    this.#active++;
    const meta = this.#metaOf(index);
    meta.createdVersion = version;
    meta.removedReason = null;
    this.#lastVersion[index] = version;
  }

  #metaOf(index: number): ChangeMeta {
    let meta = this.#meta.get(index);
    if (!meta) {
      meta = { createdVersion: 0, propVersions: new Map(), removedVersion: 0, removedReason: null };
      this.#meta.set(index, meta);
    }
    return meta;
  }

  #indexKey(record: T, index: number): void {
    const key = this.#source.alternateKey?.(record) ?? null;
    if (key !== null) this.#byKey?.set(key, index);
  }

  #ensureCapacity(size: number): void {
    if (size <= this.#state.length) return;
    const capacity = Math.max(size, this.#state.length * 2);
    const state = new Uint8Array(capacity);
    state.set(this.#state);
    this.#state = state;
    const versions = new Uint32Array(capacity);
    versions.set(this.#lastVersion);
    this.#lastVersion = versions;
  }

  #buildIdIndex(): Map<string, number> {
    const map = new Map<string, number>();
    for (let i = 0; i < this.#size; i++) map.set(this.id(i).toLowerCase(), i);
    return map;
  }

  #buildKeyIndex(): Map<string, number> {
    const map = new Map<string, number>();
    const keyOf = this.#source.alternateKey;
    if (!keyOf) return map;
    for (let i = 0; i < this.#size; i++) {
      const key = keyOf(this.record(i));
      if (key !== null) map.set(key, i);
    }
    return map;
  }
}
