import os from 'node:os';
import { processIsAlive } from '../../process-alive.js';
import type { Executor } from '../../store/database.js';

/**
 * One run per connection at a time, also across Roster processes sharing one database: a lease
 * row per connection, taken with an atomic upsert that succeeds only when the row is free or
 * expired. The same statement works on SQLite (one writer) and PostgreSQL (row lock on
 * conflict). A holder renews its lease while it runs; a crashed holder's lease lapses after
 * `leaseTtlMs`, or at once when the holder was a process on this host that no longer exists.
 */
export const leaseTtlMs = 60_000;

/** This process, as written in the lease: host and pid, so a dead local holder can be recognised. */
export const processHolder = `${os.hostname()}:${process.pid}`;

export async function tryAcquireLease(
  db: Executor,
  connectionId: string,
  runId: string,
  now: Date,
): Promise<{ acquired: true; takenOverRunId: string | null } | { acquired: false; heldBy: string }> {
  const current = await db
    .selectFrom('sync_leases')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  if (
    current &&
    current.run_id !== runId &&
    current.expires_at >= now.toISOString() &&
    holderIsAlive(current.holder)
  ) {
    return { acquired: false, heldBy: current.run_id };
  }
  const expiresAt = new Date(now.getTime() + leaseTtlMs).toISOString();
  const values = { connection_id: connectionId, run_id: runId, holder: processHolder, expires_at: expiresAt };
  if (current) {
    // Compare-and-swap on what we read: if another process took it meanwhile, nothing changes.
    const result = await db
      .updateTable('sync_leases')
      .set(values)
      .where('connection_id', '=', connectionId)
      .where('run_id', '=', current.run_id)
      .where('expires_at', '=', current.expires_at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { acquired: false, heldBy: 'another process' };
    return { acquired: true, takenOverRunId: current.run_id === runId ? null : current.run_id };
  }
  const inserted = await db
    .insertInto('sync_leases')
    .values(values)
    .onConflict((oc) => oc.column('connection_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1)
    return { acquired: false, heldBy: 'another process' };
  return { acquired: true, takenOverRunId: null };
}

/** Extends the lease; false when it was lost (expired and taken by another process). */
export async function renewLease(
  db: Executor,
  connectionId: string,
  runId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('sync_leases')
    .set({ expires_at: new Date(now.getTime() + leaseTtlMs).toISOString() })
    .where('connection_id', '=', connectionId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Executor, connectionId: string, runId: string): Promise<void> {
  await db
    .deleteFrom('sync_leases')
    .where('connection_id', '=', connectionId)
    .where('run_id', '=', runId)
    .execute();
}

/** Whether a holder is a process on this host, whose life the kernel can tell. */
export function isLocalHolder(holder: string): boolean {
  const separator = holder.lastIndexOf(':');
  return (
    holder.slice(0, separator) === os.hostname() && Number.isInteger(Number(holder.slice(separator + 1)))
  );
}

/** A holder on another host is trusted until its lease expires; on this host we can ask the kernel. */
export function holderIsAlive(holder: string): boolean {
  if (!isLocalHolder(holder)) return true;
  return processIsAlive(Number(holder.slice(holder.lastIndexOf(':') + 1)));
}
