import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.js';
import { hashToken, issueToken, tokenMatches } from '../secrets/opaque-token.js';
import type { Executor } from './database.js';

export interface ScimTokenInfo {
  id: string;
  connectionId: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function createScimToken(
  db: Executor,
  input: { organizationId: string; connectionId: string; now: string },
): Promise<ScimTokenInfo & { token: string }> {
  const issued = issueToken('scim');
  const id = randomUUID();
  await db
    .insertInto('scim_tokens')
    .values({
      id,
      connection_id: input.connectionId,
      organization_id: input.organizationId,
      token_hash: issued.hash,
      hint: issued.hint,
      created_at: input.now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return {
    id,
    connectionId: input.connectionId,
    hint: issued.hint,
    createdAt: input.now,
    lastUsedAt: null,
    revokedAt: null,
    token: issued.token,
  };
}

export async function listScimTokens(db: Executor, connectionId: string): Promise<ScimTokenInfo[]> {
  const rows = await db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    connectionId: row.connection_id,
    hint: row.hint,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

export async function revokeScimToken(
  db: Executor,
  connectionId: string,
  tokenId: string,
  now: string,
): Promise<void> {
  const result = await db
    .updateTable('scim_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('connection_id', '=', connectionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw notFound(`Active token "${tokenId}" of connection "${connectionId}"`);
}

/**
 * Checks a bearer token against the connection named in the URL: a token of another connection
 * gets nothing. Returns the token id, or undefined when it does not match.
 */
export async function verifyScimToken(
  db: Executor,
  connectionId: string,
  presented: string,
): Promise<{ tokenId: string; organizationId: string; lastUsedAt: string | null } | undefined> {
  const row = await db
    .selectFrom('scim_tokens')
    .select(['id', 'token_hash', 'organization_id', 'connection_id', 'last_used_at'])
    .where('token_hash', '=', hashToken(presented))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.connection_id !== connectionId || !tokenMatches(presented, row.token_hash))
    return undefined;
  return { tokenId: row.id, organizationId: row.organization_id, lastUsedAt: row.last_used_at };
}

/** Records the token's last use and the connection's last request ("waiting for Entra" → live). */
export async function markScimTokenUsed(
  db: Executor,
  tokenId: string,
  connectionId: string,
  now: string,
): Promise<void> {
  await db.updateTable('scim_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
  await db.updateTable('connections').set({ last_request_at: now }).where('id', '=', connectionId).execute();
}
