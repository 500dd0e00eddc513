import { newId } from '../ids.js';
import type { Executor } from './database.js';
import type { CredentialRow } from './schema.js';

/** Credentials issued to platform users (mobile credential, cloud key, …); revoked rows are kept as history. */
export interface Credential {
  id: string;
  userId: string;
  connectionId: string | null;
  type: string;
  status: 'active' | 'revoked';
  issuedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export function toCredential(row: CredentialRow): Credential {
  return {
    id: row.id,
    userId: row.user_id,
    connectionId: row.connection_id,
    type: row.type,
    status: row.status,
    issuedAt: row.issued_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

export async function listCredentials(
  db: Executor,
  organizationId: string,
  options: { userId?: string | undefined; status?: 'active' | 'revoked' | undefined } = {},
): Promise<Credential[]> {
  let query = db.selectFrom('credentials').selectAll().where('organization_id', '=', organizationId);
  if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const rows = await query.orderBy('issued_at').orderBy('id').execute();
  return rows.map(toCredential);
}

export async function issueCredential(
  db: Executor,
  input: { organizationId: string; userId: string; connectionId: string | null; type: string; now: string },
): Promise<Credential> {
  const row: CredentialRow = {
    id: newId(),
    organization_id: input.organizationId,
    user_id: input.userId,
    connection_id: input.connectionId,
    type: input.type,
    status: 'active',
    issued_at: input.now,
    revoked_at: null,
    revoked_reason: null,
  };
  await db.insertInto('credentials').values(row).execute();
  return toCredential(row);
}

/** Revokes every active credential of a user and returns them as revoked. */
export async function revokeUserCredentials(
  db: Executor,
  organizationId: string,
  userId: string,
  reason: string,
  now: string,
): Promise<Credential[]> {
  const active = await listCredentials(db, organizationId, { userId, status: 'active' });
  if (active.length === 0) return [];
  await db
    .updateTable('credentials')
    .set({ status: 'revoked', revoked_at: now, revoked_reason: reason })
    .where('organization_id', '=', organizationId)
    .where(
      'id',
      'in',
      active.map((credential) => credential.id),
    )
    .execute();
  return active.map((credential) => ({
    ...credential,
    status: 'revoked',
    revokedAt: now,
    revokedReason: reason,
  }));
}
