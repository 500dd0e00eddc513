/**
 * Deterministic numbers and GUIDs for the generated tenant.
 *
 * Every generated value is a pure function of (seed, salt, index), so user 73 123 can be rebuilt
 * on demand without generating the 73 122 users before it. That is what keeps a 100,000-user
 * tenant small in memory: only objects changed after generation are stored.
 */

/** Salts keep the streams of different attributes independent of each other. */
export const Salt = {
  tenant: 1,
  userId: 2,
  groupId: 3,
  userTraits: 4,
  userName: 5,
  userDetails: 6,
  groupDetails: 7,
  groupSize: 8,
  nesting: 9,
  appRole: 10,
  client: 11,
  servicePrincipal: 12,
  appRoleId: 13,
  assignment: 14,
  groupAssignment: 15,
} as const;

/** The murmur3 finaliser: a fast, well-mixed bijection on 32-bit integers. */
export function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uint32 that depends on all three inputs. */
export function hash32(seed: number, salt: number, index: number): number {
  return mix32(mix32(mix32(seed ^ 0x9e3779b9) + salt) + index);
}

/** A number in [0, 1). */
export function unit(seed: number, salt: number, index: number): number {
  return hash32(seed, salt, index) / 0x1_0000_0000;
}

/** An integer in [0, n). */
export function pick(seed: number, salt: number, index: number, n: number): number {
  return n <= 0 ? 0 : Math.floor(unit(seed, salt, index) * n);
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * A version-4-shaped GUID (RFC 9562 §5.4 layout: version nibble 4, variant bits 10) derived from
 * the inputs. Entra object ids are GUIDs; clients must treat them as opaque strings.
 */
export function deterministicGuid(seed: number, salt: number, index: number): string {
  const a = hash32(seed, salt * 4, index);
  const b = (hash32(seed, salt * 4 + 1, index) & 0xffff0fff) | 0x00004000;
  const c = ((hash32(seed, salt * 4 + 2, index) & 0x3fffffff) | 0x80000000) >>> 0;
  const d = hash32(seed, salt * 4 + 3, index);
  const bh = hex8(b >>> 0);
  const ch = hex8(c);
  return `${hex8(a)}-${bh.slice(0, 4)}-${bh.slice(4)}-${ch.slice(0, 4)}-${ch.slice(4)}${hex8(d)}`;
}

/** mulberry32: a small seeded PRNG for the bulk membership sampling, where order is fixed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
