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
    const user = await findUser(trx, organizationId, userId);
    if (!user) throw notFound(`User "${userId}"`);
    // Read in the transaction that issues: a deactivation (which revokes every credential) that
    // committed a moment ago is seen, and no credential is left on an inactive user.
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

export async function revokeUserCredential(
  runtime: Runtime,
  organizationId: string,
  credentialId: string,
  actor: Actor,
): Promise<Credential> {
  const now = isoNow(runtime.clock);
  const result = await runtime.store.transaction(async (trx) => {
    const row = await trx
      .selectFrom('credentials')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('id', '=', credentialId)
      .executeTakeFirst();
    if (!row) throw notFound(`Credential "${credentialId}"`);
    const before = toCredential(row);
    // Revoking twice is not an error: the credential is revoked, as asked.
    if (before.status === 'revoked') return { credential: before, changed: false };
    await trx
      .updateTable('credentials')
      .set({ status: 'revoked', revoked_at: now, revoked_reason: 'revoked_by_admin' })
      .where('id', '=', credentialId)
      .execute();
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
    return { credential: after, changed: true };
  });
  if (result.changed) runtime.eventBus.notify(organizationId);
  return result.credential;
}

export { listCredentials };
