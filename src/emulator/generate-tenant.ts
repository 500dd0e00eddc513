/**
 * The deterministic tenant: same (seed, users, groups) → same directory, byte for byte.
 *
 * Users are never materialised in bulk: `user(i)` rebuilds user i from the seed on demand, so a
 * 100,000-user tenant costs a few megabytes (the membership arrays), not a heap of objects.
 * Memberships are generated eagerly into sorted Int32Arrays of member codes.
 *
 * What the tenant always contains (when large enough), because real directories do:
 * - user 0 is an enabled member holding the app role `Admin`; users 1–3 have non-ASCII names
 *   ("Zoë Ångström", "李 娜", "José Müller"), user 4 is a guest (`#EXT#` UPN), user 5 is disabled,
 *   user 6 has no `mail`; beyond that ~4% guests, ~5% disabled, ~5% without mail.
 * - group 0 "All Users" holds every user (the very large group); group 1 "All Departments" holds
 *   the department groups (nested groups); one group for guests; the rest are project groups of
 *   skewed sizes, some nesting an earlier group, one left empty. About 5 memberships per user.
 */
import type { AppRoleValue, GroupRecord, UserRecord } from './directory-types.js';
import { groupCode } from './directory-types.js';
import { Salt, deterministicGuid, hash32, pick, seededRandom, unit } from './ids.js';
import { buildGroupRecord, groupLayout, type GroupSpec } from './generate-groups.js';
import { buildUserRecord, userTraits, type UserTraits } from './generate-users.js';

export interface GeneratedTenant {
  readonly seed: number;
  readonly tenantId: string;
  readonly domain: string;
  readonly displayName: string;
  readonly userCount: number;
  readonly groupCount: number;
  readonly membershipCount: number;
  user(index: number): UserRecord;
  userId(index: number): string;
  group(index: number): GroupRecord;
  groupId(index: number): string;
  /** Sorted member codes (see `userCode`/`groupCode`); do not mutate. */
  members(index: number): Int32Array;
  /** The index of the user's manager, or -1. */
  managerIndex(index: number): number;
  appRole(index: number): AppRoleValue | null;
}

export const tenantIdForSeed = (seed: number): string => deterministicGuid(seed, Salt.tenant, 0);

export function generateTenant(seed: number, users: number, groups: number): GeneratedTenant {
  if (!Number.isSafeInteger(seed)) throw new TypeError('seed must be a safe integer');
  if (!Number.isSafeInteger(users) || users < 0) throw new TypeError('users must be a non-negative integer');
  if (!Number.isSafeInteger(groups) || groups < 0)
    throw new TypeError('groups must be a non-negative integer');

  const domain = `emulated${seed < 0 ? `m${-seed}` : seed}.onmicrosoft.com`;
  const layout = groupLayout(seed, groups);
  const traits = (i: number): UserTraits => userTraits(seed, i, layout.departmentCount);
  const groupRecords = layout.specs.map((spec, j) => buildGroupRecord(seed, j, spec, domain));
  const memberArrays = generateMemberships(seed, users, layout.specs, layout.departmentCount, traits);
  const membershipCount = memberArrays.reduce((sum, list) => sum + list.length, 0);

  return Object.freeze({
    seed,
    tenantId: tenantIdForSeed(seed),
    domain,
    displayName: `Emulated Tenant ${seed}`,
    userCount: users,
    groupCount: groups,
    membershipCount,
    user: (i: number) => buildUserRecord(seed, i, traits(i), domain),
    userId: (i: number) => deterministicGuid(seed, Salt.userId, i),
    group: (j: number) => ({
      ...requireAt(groupRecords, j),
      groupTypes: [...requireAt(groupRecords, j).groupTypes],
    }),
    groupId: (j: number) => requireAt(groupRecords, j).id,
    members: (j: number) => requireAt(memberArrays, j),
    managerIndex: (i: number) => (i === 0 || traits(i).guest ? -1 : Math.floor((i - 1) / 7)),
    appRole: (i: number) => appRoleFor(seed, i),
  });
}

function requireAt<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`no generated object at index ${index}`);
  return value;
}

/** Roles of the emulated app: ~2% Admin, ~2% EnterpriseAdmin, ~10% ReadOnly, ~28% User. */
function appRoleFor(seed: number, i: number): AppRoleValue | null {
  if (i === 0) return 'Admin';
  const r = hash32(seed, Salt.appRole, i) % 50;
  if (r === 0) return 'Admin';
  if (r === 1) return 'EnterpriseAdmin';
  if (r < 7) return 'ReadOnly';
  if (r < 21) return 'User';
  return null;
}

function generateMemberships(
  seed: number,
  users: number,
  specs: readonly GroupSpec[],
  departmentCount: number,
  traits: (i: number) => UserTraits,
): Int32Array[] {
  // One pass over the users sorts them into departments and the guest list.
  const departmentLists: number[][] = Array.from({ length: departmentCount }, () => []);
  const guests: number[] = [];
  for (let i = 0; i < users; i++) {
    const t = traits(i);
    if (t.guest) guests.push(i);
    else if (departmentCount > 0) departmentLists[t.department]?.push(i);
  }
  const randomGroups = specs.filter((s) => s.kind === 'project').length;
  // ~5 memberships per user: all-users and departments give ~2, project groups the other ~3.
  const meanProjectSize = randomGroups > 0 ? (3 * users) / randomGroups : 0;
  const random = seededRandom(hash32(seed, Salt.groupSize, 0));
  const sampler = new DistinctSampler(users, random);

  return specs.map((spec, j) => {
    switch (spec.kind) {
      case 'allUsers':
        return Int32Array.from({ length: users }, (_, i) => i);
      case 'allDepartments':
        return Int32Array.from({ length: departmentCount }, (_, d) => groupCode(2 + d)).sort();
      case 'department':
        return Int32Array.from(departmentLists[spec.department] ?? []);
      case 'guests':
        return Int32Array.from(guests);
      case 'empty':
        return new Int32Array(0);
      case 'project': {
        const size = Math.min(
          users,
          Math.round(-Math.log(1 - unit(seed, Salt.groupSize, j)) * meanProjectSize),
        );
        const nested = nestedGroupCodes(seed, j);
        const codes = new Int32Array(size + nested.length);
        codes.set(sampler.sample(size));
        codes.set(nested, size);
        return codes.sort();
      }
    }
  });
}

/** Project groups sometimes contain an earlier group (index ≥ 2), so nesting never forms a cycle. */
function nestedGroupCodes(seed: number, j: number): number[] {
  const candidates = j - 2;
  if (candidates <= 0 || unit(seed, Salt.nesting, j) >= 0.2) return [];
  const first = 2 + pick(seed, Salt.nesting, j + 1_000_000, candidates);
  const second = 2 + pick(seed, Salt.nesting, j + 2_000_000, candidates);
  return first === second || unit(seed, Salt.nesting, j + 3_000_000) >= 0.25
    ? [groupCode(first)]
    : [groupCode(first), groupCode(second)];
}

/** Robert Floyd's algorithm: `size` distinct indices from [0, n) in O(size), reusing one bitmap. */
class DistinctSampler {
  readonly #marks: Uint8Array;
  readonly #n: number;
  readonly #random: () => number;

  constructor(n: number, random: () => number) {
    this.#marks = new Uint8Array(n);
    this.#n = n;
    this.#random = random;
  }

  sample(size: number): Int32Array {
    const out = new Int32Array(size);
    let filled = 0;
    for (let k = this.#n - size; k < this.#n; k++) {
      const t = Math.floor(this.#random() * (k + 1));
      const chosen = this.#marks[t] === 1 ? k : t;
      this.#marks[chosen] = 1;
      out[filled++] = chosen;
    }
    for (const index of out) this.#marks[index] = 0;
    return out;
  }
}
