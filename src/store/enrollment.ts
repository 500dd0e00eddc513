import { newId } from '../ids.js';
import type { Executor } from './database.js';
import type { EnrollmentEmailRow } from './schema.js';

/**
 * The enrollment-email outbox. A row is written in the transaction that creates or enables the
 * user, so an email exists exactly when the user does; the mailer sends after commit and records
 * every attempt, so a failure stays visible (`status`, `attempts`, `last_error`).
 */
export interface EnrollmentEmail {
  id: string;
  userId: string;
  recipient: string;
  data: EnrollmentData;
  status: EnrollmentEmailRow['status'];
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  sentAt: string | null;
}

export interface EnrollmentData {
  organizationName: string;
  givenName: string;
  displayName: string | null;
  email: string;
}

export function toEnrollmentEmail(row: EnrollmentEmailRow): EnrollmentEmail {
  return {
    id: row.id,
    userId: row.user_id,
    recipient: row.recipient,
    data: JSON.parse(row.data) as EnrollmentData,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** Queues the user's one enrollment email; a user who already has one keeps it (sent once, ever). */
export async function queueEnrollmentEmail(
  db: Executor,
  input: {
    organizationId: string;
    userId: string;
    connectionId: string | null;
    data: EnrollmentData;
    now: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('enrollment_emails')
    .values({
      id: newId(),
      organization_id: input.organizationId,
      user_id: input.userId,
      connection_id: input.connectionId,
      recipient: input.data.email,
      data: JSON.stringify(input.data),
      status: 'pending',
      attempts: 0,
      last_error: null,
      next_attempt_at: input.now,
      created_at: input.now,
      sent_at: null,
    })
    .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function dueEnrollmentEmails(
  db: Executor,
  now: string,
  limit: number,
): Promise<EnrollmentEmail[]> {
  const rows = await db
    .selectFrom('enrollment_emails')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map(toEnrollmentEmail);
}

export async function listEnrollmentEmails(
  db: Executor,
  organizationId: string,
  options: { userId?: string | undefined } = {},
): Promise<EnrollmentEmail[]> {
  let query = db.selectFrom('enrollment_emails').selectAll().where('organization_id', '=', organizationId);
  if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(toEnrollmentEmail);
}

/**
 * Records one attempt. Only a still-pending row is updated, so two mailers (two Roster
 * processes) racing for the same email record one outcome; the sender claims before sending.
 */
export async function recordEnrollmentAttempt(
  db: Executor,
  id: string,
  result: { sentAt: string } | { error: string; nextAttemptAt: string | null },
): Promise<void> {
  const update =
    'sentAt' in result
      ? { status: 'sent' as const, sent_at: result.sentAt, last_error: null }
      : {
          status: result.nextAttemptAt === null ? ('failed' as const) : ('pending' as const),
          last_error: result.error,
          ...(result.nextAttemptAt === null ? {} : { next_attempt_at: result.nextAttemptAt }),
        };
  await db
    .updateTable('enrollment_emails')
    .set((eb) => ({ ...update, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/**
 * Claims a due email for one sender by pushing its next attempt past the send timeout: another
 * process polling meanwhile skips it; if this one dies mid-send, the email becomes due again.
 */
export async function claimEnrollmentEmail(
  db: Executor,
  id: string,
  now: string,
  leaseUntil: string,
): Promise<boolean> {
  const result = await db
    .updateTable('enrollment_emails')
    .set({ next_attempt_at: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** An admin retries a failed (or pending) email: it becomes due at once; past attempts stay counted. */
export async function retryEnrollmentEmail(
  db: Executor,
  organizationId: string,
  id: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('enrollment_emails')
    .set({ status: 'pending', next_attempt_at: now })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('status', '!=', 'sent')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
