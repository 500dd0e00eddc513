import { isoNow } from '../clock.js';
import { conflict, invalidInput, notFound } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { appendAudit, type Actor } from '../store/audit.js';
import { issueCredential, listCredentials, toCredential, type Credential } from '../store/credentials.js';
import { appendEvents } from '../store/events.js';
import { findUser } from '../store/users.js';
import { credentialView } from './user-effects.js';

/**
 * Credentials issued or revoked by an admin (REST API, portal), outside a sync: each change
 * appends its `credential.*` event and an audit entry in one transaction, then wakes delivery.
 * Sync-issued credentials follow the policy (`newUsers.credentials`) in the engine instead.
 */
export async function issueUserCredential(
  runtime: Runtime,
  organizationId: string,
  userId: string,
  type: string,
  actor: Actor,
): Promise<Credential> {
  if (!/^[a-z][a-z0-9_]*$/.test(type)) {
    throw invalidInput('type must be lower-case letters, digits and _ (e.g. mobile_credential)', 'type');
  }
  const now = isoNow(runtime.clock);
  const credential = await runtime.store.transaction(async (trx) => {
    // The user's row is locked first (a no-op update; PostgreSQL): a deactivation, which revokes
    // every credential the user holds, then commits either before this reads the status, or after
    // this credential exists and is revoked with the others.
    await trx
      .updateTable('users')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('organization_id', '=', organizationId)
      .where('id', '=', userId)
      .execute();
    const user = await findUser(trx, organizationId, userId);
    if (!user) throw notFound(`User "${userId}"`);
    if (user.status !== 'active') {
      throw conflict(`User "${userId}" is ${user.status}: credentials are issued to active users only`);
    }
    const issued = await issueCredential(trx, { organizationId, userId, connectionId: null, type, now });
    await appendEvents(
      trx,
      organizationId,
      [{ type: 'credential.issued', data: { credential: credentialView(issued) } }],
      now,
    );
    await appendAudit(
      trx,
      organizationId,
      actor,
      [
        {
          action: 'credential.issued',
          targetType: 'credential',
          targetId: issued.id,
          after: credentialView(issued),
        },
      ],
      now,
    );
    return issued;
  });
  runtime.eventBus.notify(organizationId);
  return credential;
}

/** `userId`, when given: the credential must be that user's (the REST route names both). */
export async function revokeUserCredential(
  runtime: Runtime,
  organizationId: string,
  credentialId: string,
  actor: Actor,
  userId?: string,
): Promise<Credential> {
  const now = isoNow(runtime.clock);
  const result = await runtime.store.transaction(async (trx) => {
    const row = await trx
      .selectFrom('credentials')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('id', '=', credentialId)
      .$if(userId !== undefined, (query) => query.where('user_id', '=', userId as string))
      .executeTakeFirst();
    const gone = notFound(
      `Active credential "${credentialId}"${userId === undefined ? '' : ` of user "${userId}"`}`,
    );
    if (!row) throw gone;
    const before = toCredential(row);
    if (before.status === 'revoked') throw gone;
    // Only while still active: of two revocations at once (PostgreSQL), or a revocation and a
    // deactivation, the second finds it revoked and changes nothing, so one event says it.
    const revoked = await trx
      .updateTable('credentials')
      .set({ status: 'revoked', revoked_at: now, revoked_reason: 'revoked_by_admin' })
      .where('id', '=', credentialId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(revoked.numUpdatedRows) !== 1) throw gone;
    const after: Credential = {
      ...before,
      status: 'revoked',
      revokedAt: now,
      revokedReason: 'revoked_by_admin',
    };
    await appendEvents(
      trx,
      organizationId,
      [{ type: 'credential.revoked', data: { credential: credentialView(after) } }],
      now,
    );
    await appendAudit(
      trx,
      organizationId,
      actor,
      [
        {
          action: 'credential.revoked',
          targetType: 'credential',
          targetId: credentialId,
          before: credentialView(before),
          after: credentialView(after),
        },
      ],
      now,
    );
    return after;
  });
  runtime.eventBus.notify(organizationId);
  return result;
}

export { listCredentials };
