import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.js';
import { hashToken, issueToken, tokenMatches } from '../secrets/opaque-token.js';
import { toConnection, type Connection } from './connections.js';
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
 * The connection named in a SCIM URL and, when the presented bearer token is one of its live
 * tokens, that token: one query per request instead of two, as every SCIM request asks it. A token
 * of another connection matches nothing here.
 */
export async function findScimConnectionByToken(
  db: Executor,
  connectionId: string,
  presented: string,
): Promise<
  | {
      connection: Connection;
      token: { id: string; lastUsedAt: string | null } | undefined;
    }
  | undefined
> {
  const row = await db
    .selectFrom('connections')
    .leftJoin('scim_tokens', (join) =>
      join
        .onRef('scim_tokens.connection_id', '=', 'connections.id')
        .on('scim_tokens.token_hash', '=', hashToken(presented))
        .on('scim_tokens.revoked_at', 'is', null),
    )
    .selectAll('connections')
    .select([
      'scim_tokens.id as token_id',
      'scim_tokens.token_hash',
      'scim_tokens.last_used_at as token_last_used_at',
    ])
    .where('connections.id', '=', connectionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, token_hash, token_last_used_at, ...connection } = row;
  const matches = token_id !== null && token_hash !== null && tokenMatches(presented, token_hash);
  return {
    connection: toConnection(connection),
    token: matches ? { id: token_id, lastUsedAt: token_last_used_at } : undefined,
  };
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
