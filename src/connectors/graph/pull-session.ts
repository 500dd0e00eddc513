import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Policy } from '../../domain/policy/policy.js';
import type { Executor } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import type { Change } from '../../sync/change.js';
import type { GraphClient } from './graph-client.js';
import type { GraphResource } from './sync-state.js';

/**
 * What a pull needs from the sync run that drives it. The run decides how pages are committed
 * (one transaction each, or all inside one rolled-back transaction for a dry run), applies
 * changes and counts them, and says when to stop.
 */
export interface PullSession {
  readonly organizationId: string;
  readonly connectionId: string;
  readonly client: GraphClient;
  readonly policy: Policy;
  readonly logger: Logger;
  /** Reads made between page transactions. */
  readonly db: Executor;
  now(): string;
  /** Runs one page's writes atomically. */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Applies a page's changes inside its transaction and counts them. */
  apply(trx: Transaction<Database>, changes: readonly Change[]): Promise<void>;
  /** Called inside each page's transaction after its changes, to record progress. */
  onPage(trx: Transaction<Database>, progress: PullProgress): Promise<void>;
  /** Called between pages; throws to stop (a cancelled run). Inside a transaction, pass it. */
  checkpoint(trx?: Transaction<Database>): Promise<void>;
  /** Records a problem that did not stop the pull (roles left as they were) among the run's errors. */
  warn(warning: PullWarning): void;
}

/** A problem the pull worked around, shown with the run's errors. */
export interface PullWarning {
  code: string;
  graphCode?: string;
  message: string;
  remedy?: string;
}

export interface PullProgress {
  /** `roles`: app role assignments read again and applied, after users and groups. */
  phase: GraphResource | 'roles' | 'done';
  rounds: Partial<Record<GraphResource, 'full' | 'delta'>>;
  pages: number;
  usersSeen: number;
  groupsSeen: number;
  /** A full resync forced by Graph (expired delta token) during this run. */
  resynced: GraphResource[];
  /** The groups in scope (`all`, or their ids), to notice a changed scope on the next run. */
  scopeKey?: string;
  /** The users round's `$select`, to notice a mapping that reads other properties. */
  selectKey?: string;
}
