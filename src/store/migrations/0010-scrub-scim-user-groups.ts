import { sql, type Kysely } from 'kysely';
import { scrubJsonColumns, type JsonColumn } from './scrub-json-columns.js';

/**
 * A SCIM User's `groups` is readOnly and computed from the memberships written through /Groups
 * (RFC 7643 §4.1.2). Values a client sent for it before Roster ignored them are removed from what
 * was kept of SCIM users: their attributes as received, the policy's copy of their source (where
 * they were flattened to `groups.first`, `groups.primary`, …) and the before/after of SCIM user
 * audit entries. `groups` goes in every spelling a row may hold it under: any case, fully
 * qualified (`urn:…:core:2.0:User:groups`), or inside an object keyed by the core schema URN.
 * An attribute named `groups` in an extension is the extension's own and stays, and so does
 * everything of Graph connections, whose users have no such attribute.
 */

/** The core User schema URN in lower case, as names are compared (RFC 7643 §2.1). */
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user';

const ofScimConnection = sql`connection_id in (select id from connections where kind = 'scim')`;

const columns: readonly JsonColumn[] = [
  {
    table: 'directory_users',
    key: ['connection_id', 'id'],
    column: 'attributes',
    scope: ofScimConnection,
    scrub: withoutUserGroups,
  },
  {
    table: 'directory_user_policy',
    key: ['connection_id', 'directory_user_id'],
    column: 'source',
    scope: ofScimConnection,
    scrub: withoutSourceGroups,
  },
  {
    table: 'audit_entries',
    key: ['id'],
    column: 'before',
    scope: sql`action like 'scim.user.%'`,
    scrub: withoutUserGroups,
  },
  {
    table: 'audit_entries',
    key: ['id'],
    column: 'after',
    scope: sql`action like 'scim.user.%'`,
    scrub: withoutUserGroups,
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await scrubJsonColumns(db, 'groups', columns);
}

export async function down(): Promise<void> {
  // What was removed is gone; there is nothing to restore.
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stored SCIM User without `groups`: plain, qualified, or inside the core schema URN's object. */
function withoutUserGroups(resource: unknown): unknown {
  if (!isObject(resource)) return resource;
  const kept: [string, unknown][] = [];
  for (const [name, value] of Object.entries(resource)) {
    const lower = name.toLowerCase();
    if (lower === 'groups' || lower === `${CORE_USER}:groups`) continue;
    if (lower === CORE_USER && isObject(value)) {
      const inner = withoutUserGroups(value) as Record<string, unknown>;
      if (Object.keys(inner).length > 0) kept.push([name, inner]);
      continue;
    }
    kept.push([name, value]);
  }
  // fromEntries defines own keys: a stored `__proto__` stays a key, never a prototype.
  return Object.fromEntries(kept);
}

/** A SCIM source user without the names its `groups` were flattened to (`groups.first`, …). */
function withoutSourceGroups(source: unknown): unknown {
  if (!isObject(source) || !isObject(source.attributes)) return source;
  const attributes = Object.fromEntries(
    Object.entries(source.attributes).filter(([name]) => !isFlattenedGroups(name.toLowerCase())),
  );
  return { ...source, attributes };
}

function isFlattenedGroups(name: string): boolean {
  const unqualified = name.startsWith(`${CORE_USER}:`) ? name.slice(CORE_USER.length + 1) : name;
  return unqualified === 'groups' || unqualified.startsWith('groups.');
}
