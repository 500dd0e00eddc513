import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.js';
import type { Executor } from './database.js';
import type { ConnectionRow } from './schema.js';

export type ConnectionKind = 'scim' | 'graph';

export interface Connection {
  id: string;
  organizationId: string;
  kind: ConnectionKind;
  name: string;
  status: string;
  settings: Record<string, unknown>;
  policy: Record<string, unknown>;
  secretExpiresAt: string | null;
  lastRequestAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Never includes the sealed secret: nothing outside the Graph connector needs it. */
export function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    policy: JSON.parse(row.policy) as Record<string, unknown>,
    secretExpiresAt: row.secret_expires_at,
    lastRequestAt: row.last_request_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createConnection(
  db: Executor,
  input: {
    organizationId: string;
    kind: ConnectionKind;
    name: string;
    now: string;
    settings?: Record<string, unknown>;
    secretCiphertext?: string | null;
    secretExpiresAt?: string | null;
  },
): Promise<Connection> {
  const row: ConnectionRow = {
    id: randomUUID(),
    organization_id: input.organizationId,
    kind: input.kind,
    name: input.name,
    status: 'active',
    settings: JSON.stringify(input.settings ?? {}),
    secret_ciphertext: input.secretCiphertext ?? null,
    secret_expires_at: input.secretExpiresAt ?? null,
    policy: '{}',
    policy_pending: 0,
    last_request_at: null,
    created_at: input.now,
    updated_at: input.now,
  };
  await db.insertInto('connections').values(row).execute();
  return toConnection(row);
}

export async function findConnection(db: Executor, connectionId: string): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', connectionId)
    .executeTakeFirst();
  return row && toConnection(row);
}

export async function getConnection(
  db: Executor,
  connectionId: string,
  organizationId?: string,
): Promise<Connection> {
  const connection = await findConnection(db, connectionId);
  if (!connection || (organizationId !== undefined && connection.organizationId !== organizationId)) {
    throw notFound(`Connection "${connectionId}"`);
  }
  return connection;
}

export async function listConnections(db: Executor, organizationId: string): Promise<Connection[]> {
  const rows = await db
    .selectFrom('connections')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .execute();
  return rows.map(toConnection);
}

export async function updateConnectionPolicy(
  db: Executor,
  organizationId: string,
  connectionId: string,
  policy: Record<string, unknown>,
  now: string,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ policy: JSON.stringify(policy), policy_pending: 1, updated_at: now })
    .where('id', '=', connectionId)
    .where('organization_id', '=', organizationId)
    .execute();
}

/** Whether the stored policy still waits to be applied to what was synced before it was set. */
export async function isPolicyPending(db: Executor, connectionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('connections')
    .select('policy_pending')
    .where('id', '=', connectionId)
    .executeTakeFirst();
  return row?.policy_pending === 1;
}

export async function markPolicyApplied(db: Executor, connectionId: string): Promise<void> {
  await db.updateTable('connections').set({ policy_pending: 0 }).where('id', '=', connectionId).execute();
}

export async function touchConnection(db: Executor, connectionId: string, now: string): Promise<void> {
  await db.updateTable('connections').set({ last_request_at: now }).where('id', '=', connectionId).execute();
}
