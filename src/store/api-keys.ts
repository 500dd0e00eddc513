import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.js';
import { hashToken, issueToken, tokenMatches } from '../secrets/opaque-token.js';
import type { Executor } from './database.js';
import type { ApiKeyRow } from './schema.js';

/**
 * REST API keys: `rk_…` bearer secrets, shown once and stored as SHA-256 digests, either for one
 * organization or, with no organization, for the operator of the whole Roster.
 */
export type ApiKeyRole = ApiKeyRow['role'];

export interface ApiKeyInfo {
  id: string;
  organizationId: string | null;
  name: string;
  role: ApiKeyRole;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toApiKeyInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  role: row.role,
  hint: row.hint,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function createApiKey(
  db: Executor,
  input: { organizationId: string | null; name: string; role: ApiKeyRole; now: string },
): Promise<ApiKeyInfo & { key: string }> {
  const issued = issueToken('rk');
  const row: ApiKeyRow = {
    id: randomUUID(),
    organization_id: input.organizationId,
    name: input.name,
    role: input.role,
    key_hash: issued.hash,
    hint: issued.hint,
    created_at: input.now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { ...toApiKeyInfo(row), key: issued.token };
}

/** Keys of one organization, or the operator keys when `organizationId` is null. */
export async function listApiKeys(db: Executor, organizationId: string | null): Promise<ApiKeyInfo[]> {
  const query = db.selectFrom('api_keys').selectAll();
  const rows = await (
    organizationId === null
      ? query.where('organization_id', 'is', null)
      : query.where('organization_id', '=', organizationId)
  )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toApiKeyInfo);
}

export async function revokeApiKey(
  db: Executor,
  organizationId: string | null,
  keyId: string,
  now: string,
): Promise<ApiKeyInfo> {
  const query = db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null);
  const row = await (
    organizationId === null
      ? query.where('organization_id', 'is', null)
      : query.where('organization_id', '=', organizationId)
  )
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`Active API key "${keyId}"`);
  return toApiKeyInfo(row);
}

/**
 * Finds the live key a bearer secret belongs to. The digest lookup is indexed; the final compare
 * is constant-time so a near-miss digest teaches an attacker nothing.
 */
export async function verifyApiKey(db: Executor, presented: string): Promise<ApiKeyInfo | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', hashToken(presented))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !tokenMatches(presented, row.key_hash)) return undefined;
  return toApiKeyInfo(row);
}

/** Records a key's last use at most once a minute, so reads do not turn into writes. */
export async function markApiKeyUsed(db: Executor, key: ApiKeyInfo, now: string): Promise<void> {
  if (key.lastUsedAt !== null && Date.parse(now) - Date.parse(key.lastUsedAt) < 60_000) return;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', key.id).execute();
}
