import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Transaction } from 'kysely';
import { processIsAlive } from '../process-alive.js';
import { openSqliteCopy, sqliteFileOf, type Executor, type Store } from './database.js';
import type { Database } from './schema.js';

/**
 * Where a preview runs: a dry-run sync, the seat pre-check of a sync, a policy preview or dry-run
 * reconcile. Each applies a whole pull or reconcile for real, so that its counts are real, and
 * keeps nothing.
 *
 * Run as one transaction on the store and rolled back at the end, a preview held up the
 * organization's other writers for its whole length (45 s and more for a 100,000-user tenant):
 * on SQLite every writer of the server, Entra's SCIM requests timing out while an admin merely
 * previewed; on PostgreSQL every change of the organization that appends events, queued behind the
 * organization's row. So:
 *
 * - SQLite: the preview runs on a copy of the database taken online (`openSqliteCopy`), in a file
 *   beside it named `roster-preview-<pid>-<name>.sqlite`, with ordinary commits; the copy is
 *   deleted when the preview ends, however it ends. Copies left by a process that was killed are
 *   deleted by the next preview.
 * - PostgreSQL has many writers: the preview keeps one transaction, rolled back at the end, and
 *   locks only the users and groups it changes, never the organization's row (ApplyContext.preview).
 *
 * Nothing a preview writes is ever delivered: its caller wakes no delivery for it, and the mailer
 * and webhook delivery read only the store.
 */
export interface PreviewStore {
  /** Reads between the preview's transactions. */
  readonly db: Executor;
  /** One part of the preview (a page), atomically; the parts after it see what it wrote. */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

const copyPrefix = 'roster-preview-';
/** A copy's files: the database and SQLite's companions; the number is the process's id. */
const copyFiles = /^roster-preview-(\d+)-.+\.sqlite(?:-wal|-shm|-journal)?$/;

/** Runs `work` on a preview of the store; `name` tells the copy's file apart (a run id). */
export async function withPreviewStore<T>(
  store: Store,
  name: string,
  work: (preview: PreviewStore) => Promise<T>,
): Promise<T> {
  const file = sqliteFileOf(store);
  if (file === undefined) return inRolledBackTransaction(store, work);
  const folder = file === ':memory:' ? os.tmpdir() : path.dirname(file);
  await removeAbandonedCopies(folder);
  const copyFile = path.join(folder, `${copyPrefix}${process.pid}-${name}.sqlite`);
  try {
    const copy = await openSqliteCopy(store, copyFile);
    try {
      return await work({ db: copy.db, transaction: (part) => copy.transaction(part) });
    } finally {
      await copy.close();
    }
  } finally {
    await removeCopy(copyFile);
  }
}

/** Unwinds a preview's transaction once its work is done, so nothing it wrote is kept. */
class PreviewRollback extends Error {}

async function inRolledBackTransaction<T>(
  store: Store,
  work: (preview: PreviewStore) => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  await store
    .transaction(async (trx) => {
      result = { value: await work({ db: trx, transaction: (part) => part(trx) }) };
      throw new PreviewRollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof PreviewRollback)) throw error;
    });
  return (result as { value: T }).value;
}

// Removing a copy is best effort: a file that stays must not fail the preview, nor hide its error.
async function removeCopy(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    await fs.rm(`${file}${suffix}`, { force: true }).catch(() => undefined);
}

/** Copies whose process is gone (killed mid-preview); a live process's copies are in use. */
async function removeAbandonedCopies(folder: string): Promise<void> {
  const entries = await fs.readdir(folder).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = copyFiles.exec(entry)?.[1];
    if (pid !== undefined && !processIsAlive(Number(pid)))
      await fs.rm(path.join(folder, entry), { force: true }).catch(() => undefined);
  }
}
