import type { Transaction } from 'kysely';
import { newId } from '../../ids.js';
import { isoNow } from '../../clock.js';
import { assertLocallyEditable } from '../../domain/policy/assert-locally-editable.js';
import { defaultPolicy } from '../../domain/policy/policy.js';
import { toUserView, type UserView } from '../../domain/views.js';
import { RosterError, invalidInput, notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { findConnection } from '../../store/connections.js';
import type { Executor } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/events.js';
import type { Database, UserRow } from '../../store/schema.js';
import { findUser, insertUser, updateUser } from '../../store/users.js';
import type { ApplyContext } from '../../sync/context.js';
import { Outcome, type SeatCheck } from '../../sync/outcome.js';
import { SeatLimitError, checkSeatLimit } from '../../sync/seat-guard.js';
import { deletePlatformUser, revokeCredentials } from '../../sync/user-effects.js';

/**
 * Admin changes to users through the API: create local users, edit them, deactivate,
 * reactivate and delete them. Users a directory owns are locked (`assertLocallyEditable`): the 409 names the
 * connection. Each change writes the user, its events and its audit entry in one transaction, and
 * wakes event delivery after commit.
 */
export interface LocalUserFields {
  email?: string | undefined;
  userName?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  displayName?: string | null | undefined;
  roles?: string[] | undefined;
  attributes?: Record<string, string> | undefined;
}

const emailShape = /^[^\s@]+@[^\s@]+$/;

export async function createLocalUser(
  runtime: Runtime,
  organizationId: string,
  input: LocalUserFields & {
    email: string;
    givenName: string;
    familyName: string;
    status?: 'active' | 'pending';
  },
  actor: Actor,
): Promise<UserView> {
  const now = isoNow(runtime.clock);
  const email = checkEmail(input.email);
  const row: UserRow = {
    id: newId(),
    organization_id: organizationId,
    email,
    email_key: email.toLowerCase(),
    user_name: input.userName ?? email,
    given_name: input.givenName,
    family_name: input.familyName,
    display_name: input.displayName ?? null,
    status: input.status ?? 'active',
    source: 'local',
    source_connection_id: null,
    external_id: null,
    attributes: JSON.stringify(input.attributes ?? {}),
    roles: JSON.stringify(input.roles ?? []),
    created_at: now,
    updated_at: now,
    activated_at: now,
    sso_object_id: null,
  };
  return commitUserChange(runtime, organizationId, actor, now, async (trx) => {
    await insertUser(trx, row);
    // Active and pending users both hold a seat: a new user always takes one.
    await assertWithinSeatLimit(
      trx,
      organizationId,
      (check) => `The organization has reached its seat limit of ${check.seatLimit} users`,
    );
    const view = toUserView(row);
    return {
      view,
      events: [{ type: 'user.created', data: { user: view } }],
      action: 'user.created',
      before: undefined,
    };
  });
}

export async function editUser(
  runtime: Runtime,
  organizationId: string,
  userId: string,
  input: LocalUserFields,
  actor: Actor,
): Promise<UserView> {
  const now = isoNow(runtime.clock);
  return commitUserChange(runtime, organizationId, actor, now, async (trx) => {
    const user = await lockableUser(trx, organizationId, userId);
    const fields = Object.entries(input)
      .filter(([, value]) => value !== undefined)
      .map(([name]) => name);
    assertEditable(user, { fields });
    const changes: Partial<UserRow> = releaseOf(user);
    if (input.email !== undefined) {
      changes.email = checkEmail(input.email);
      changes.email_key = changes.email.toLowerCase();
    }
    if (input.userName !== undefined) changes.user_name = input.userName;
    if (input.givenName !== undefined) changes.given_name = input.givenName;
    if (input.familyName !== undefined) changes.family_name = input.familyName;
    if (input.displayName !== undefined) changes.display_name = input.displayName;
    if (input.roles !== undefined) changes.roles = JSON.stringify(input.roles);
    if (input.attributes !== undefined) changes.attributes = JSON.stringify(input.attributes);
    const changed = (Object.keys(changes) as (keyof UserRow)[]).filter(
      (column) => column !== 'email_key' && changes[column] !== user.row[column],
    );
    const before = toUserView(user.row);
    if (changed.length === 0) return { view: before, events: [], action: undefined, before };
    await updateUser(trx, organizationId, userId, { ...changes, updated_at: now });
    const view = toUserView({ ...user.row, ...changes, updated_at: now });
    const names = changed.map((column) =>
      column === 'source_connection_id'
        ? 'connectionId'
        : column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
    );
    return {
      view,
      events: [{ type: 'user.updated', data: { user: view, changed: names } }],
      action: 'user.updated',
      before,
    };
  });
}

export async function setUserStatus(
  runtime: Runtime,
  organizationId: string,
  userId: string,
  status: 'active' | 'inactive',
  actor: Actor,
): Promise<UserView> {
  const now = isoNow(runtime.clock);
  return commitUserChange(runtime, organizationId, actor, now, async (trx) => {
    const user = await lockableUser(trx, organizationId, userId);
    assertEditable(user, { status });
    const before = toUserView(user.row);
    if (user.row.status === status) return { view: before, events: [], action: undefined, before };
    const changes: Partial<UserRow> = { ...releaseOf(user), status, updated_at: now };
    await updateUser(trx, organizationId, userId, changes);
    if (user.row.status === 'inactive') {
      await assertWithinSeatLimit(
        trx,
        organizationId,
        (check) =>
          `Reactivating ${user.row.email} would pass the organization's seat limit of ${check.seatLimit} ` +
          `users (${check.seatsUsed} seats needed); nothing was changed`,
      );
    }
    const view = toUserView({ ...user.row, ...changes });
    const type = status === 'inactive' ? 'user.deactivated' : 'user.reactivated';
    const events: NewEvent[] = [{ type, data: { user: view } }];
    if (status === 'inactive') {
      // As for a synced user (afterStatusChange): a deactivated user keeps no credential.
      const outcome = new Outcome();
      await revokeCredentials(adminChangeContext(trx, organizationId, now), userId, 'deactivated', outcome);
      events.push(...outcome.events);
    }
    return { view, events, action: type, before };
  });
}

/**
 * Deletes a local user as a directory deletes one of its users (`deletePlatformUser`): out of its
 * groups (`group.member_removed`), its credentials revoked (`credential.revoked`), then the user
 * (`user.deleted`), with one audit entry, all in one transaction.
 */
export async function deleteLocalUser(
  runtime: Runtime,
  organizationId: string,
  userId: string,
  actor: Actor,
): Promise<void> {
  const now = isoNow(runtime.clock);
  await runtime.store.transaction(async (trx) => {
    const user = await lockableUser(trx, organizationId, userId);
    assertEditable(user, { delete: true });
    const outcome = new Outcome();
    await deletePlatformUser(adminChangeContext(trx, organizationId, now), user.row, outcome);
    await appendEvents(trx, organizationId, outcome.events, now);
    await appendAudit(
      trx,
      organizationId,
      actor,
      [
        {
          action: 'user.deleted',
          targetType: 'user',
          targetId: userId,
          before: toUserView(user.row),
          after: {
            groupsLeft: outcome.counts.membershipsRemoved,
            credentialsRevoked: outcome.counts.credentialsRevoked,
          },
        },
      ],
      now,
    );
  });
  runtime.eventBus.notify(organizationId);
}

/**
 * The sync's context for a change an admin makes, which no connection carries. The user effects
 * it is given to read only the transaction, the organization and the time; the connection and
 * policy members name none and decide nothing there.
 */
function adminChangeContext(trx: Transaction<Database>, organizationId: string, now: string): ApplyContext {
  return {
    trx,
    organizationId,
    now,
    connectionId: '',
    connectorKind: 'scim',
    policy: defaultPolicy('scim'),
    onReject: 'throw',
  };
}

interface UserChange {
  view: UserView;
  events: NewEvent[];
  /** The audit action, or undefined when nothing changed (nothing is written then). */
  action: string | undefined;
  before: UserView | undefined;
}

async function commitUserChange(
  runtime: Runtime,
  organizationId: string,
  actor: Actor,
  now: string,
  work: (trx: Transaction<Database>) => Promise<UserChange>,
): Promise<UserView> {
  const change = await runtime.store.transaction(async (trx) => {
    const result = await work(trx);
    await appendEvents(trx, organizationId, result.events, now);
    if (result.action !== undefined) {
      await appendAudit(
        trx,
        organizationId,
        actor,
        [
          {
            action: result.action,
            targetType: 'user',
            targetId: result.view.id,
            before: result.before,
            after: result.view,
          },
        ],
        now,
      );
    }
    return result;
  });
  if (change.events.length > 0) runtime.eventBus.notify(organizationId);
  return change.view;
}

async function lockableUser(trx: Executor, organizationId: string, userId: string) {
  const row = await findUser(trx, organizationId, userId);
  if (!row) throw notFound(`User "${userId}"`);
  const connection = row.source_connection_id
    ? await findConnection(trx, row.source_connection_id)
    : undefined;
  // Deleting a connection releases its users; one it left owned (before that was so) has no
  // directory to manage it any more, and is the platform's like a released one.
  const orphaned = row.source !== 'local' && connection === undefined;
  return {
    row,
    orphaned,
    lockable: {
      source: orphaned ? ('local' as const) : row.source,
      connectionId: row.source_connection_id,
      connectionName: connection?.name,
      email: row.email,
    },
  };
}

/** An orphaned user changed by an admin becomes a local user, as a deleted connection leaves it. */
function releaseOf(user: Awaited<ReturnType<typeof lockableUser>>): Partial<UserRow> {
  return user.orphaned ? { source: 'local', source_connection_id: null } : {};
}

/**
 * The sync's seat rule (`checkSeatLimit`), checked after the write so the count includes it; the
 * throw rolls the write back.
 */
async function assertWithinSeatLimit(
  trx: Executor,
  organizationId: string,
  message: (check: SeatCheck) => string,
): Promise<void> {
  const check = await checkSeatLimit(trx, organizationId, 1);
  if (check?.exceeded === true) throw new SeatLimitError(check, message(check));
}

/** The policy's lock, with the owning connection added to the error for the problem details. */
function assertEditable(
  user: Awaited<ReturnType<typeof lockableUser>>,
  change: Parameters<typeof assertLocallyEditable>[1],
): void {
  try {
    assertLocallyEditable(user.lockable, change);
  } catch (error) {
    if (error instanceof RosterError && error.code === 'locked_by_directory') {
      throw Object.assign(error, {
        connectionId: user.row.source_connection_id,
        connectionName: user.lockable.connectionName ?? null,
        directory: user.row.source,
      });
    }
    throw error;
  }
}

function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (!emailShape.test(trimmed)) throw invalidInput(`"${email}" is not an email address`, 'email');
  return trimmed;
}
