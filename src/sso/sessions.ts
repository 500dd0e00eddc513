import { randomBytes } from 'node:crypto';
import type { Executor } from '../store/database.js';
import type { PortalSessionRow } from '../store/schema.js';
import { hashToken } from '../secrets/opaque-token.js';

/**
 * Portal sessions. The browser holds a random id in an httpOnly cookie; the table holds only its
 * digest, so neither a database copy nor a log line can be replayed as a session. Sessions end
 * at a fixed time (no sliding renewal): an admin portal is used in sittings, and a stolen cookie
 * should not live forever.
 */
export const sessionLifetimeMs = 8 * 60 * 60 * 1000;

export interface PortalSession {
  kind: 'operator' | 'user';
  organizationId: string | null;
  userId: string | null;
  displayName: string;
  role: string;
  csrfToken: string;
  expiresAt: string;
}

export interface NewSession {
  kind: 'operator' | 'user';
  organizationId: string | null;
  userId: string | null;
  displayName: string;
  role: string;
}

export async function createSession(
  db: Executor,
  input: NewSession,
  now: Date,
): Promise<{ sessionId: string; session: PortalSession }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs).toISOString();
  await db
    .insertInto('portal_sessions')
    .values({
      id_hash: hashToken(sessionId),
      kind: input.kind,
      organization_id: input.organizationId,
      user_id: input.userId,
      display_name: input.displayName,
      role: input.role,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return { sessionId, session: { ...input, csrfToken, expiresAt } };
}

/** The live session for a cookie value, or undefined when unknown or expired. */
export async function findSession(
  db: Executor,
  sessionId: string,
  now: Date,
): Promise<PortalSession | undefined> {
  const row = await db
    .selectFrom('portal_sessions')
    .selectAll()
    .where('id_hash', '=', hashToken(sessionId))
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row && toSession(row);
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('id_hash', '=', hashToken(sessionId)).execute();
}

/** Operators open one organization at a time; the API scopes every request to it. */
export async function switchSessionOrganization(
  db: Executor,
  sessionId: string,
  organizationId: string,
): Promise<void> {
  await db
    .updateTable('portal_sessions')
    .set({ organization_id: organizationId })
    .where('id_hash', '=', hashToken(sessionId))
    .where('kind', '=', 'operator')
    .execute();
}

/** Expired sessions and sign-ins are dead weight; sweeping on each new sign-in keeps tables small. */
export async function sweepExpired(db: Executor, now: Date): Promise<void> {
  const cutoff = now.toISOString();
  await db.deleteFrom('portal_sessions').where('expires_at', '<=', cutoff).execute();
  await db.deleteFrom('sso_sign_ins').where('expires_at', '<=', cutoff).execute();
  await db.deleteFrom('sign_in_links').where('expires_at', '<=', cutoff).execute();
}

function toSession(row: PortalSessionRow): PortalSession {
  return {
    kind: row.kind,
    organizationId: row.organization_id,
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}
