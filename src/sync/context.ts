import type { Policy } from '../domain/policy/policy.js';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { UserPrefetch } from './user-prefetch.js';

/** Facts about the batch being applied, passed to every step (never parked on a shared object). */
export interface ApplyContext {
  readonly trx: Transaction<Database>;
  readonly organizationId: string;
  readonly connectionId: string;
  readonly connectorKind: 'scim' | 'graph';
  readonly policy: Policy;
  readonly now: string;
  /**
   * `throw`: the first rejected object aborts the batch (SCIM: one request, one answer).
   * `record`: a rejected object is recorded and the others go on (Graph runs).
   */
  readonly onReject: 'throw' | 'record';
  /**
   * Apply the batch inside a savepoint and roll it back at the end: the outcome (counts, planned
   * events, errors, seat check) is exactly what the batch would do, and nothing is kept.
   */
  readonly dryRun?: boolean | undefined;
  /**
   * `enforce` (default): a batch that ends above the seat limit throws `SeatLimitError`.
   * `report`: it only records `outcome.seatCheck`, for a caller that checks a whole multi-page run
   * itself (a Graph preflight summing `wouldImport` over pages in one rolled-back transaction).
   */
  readonly seatGuard?: 'enforce' | 'report' | undefined;
  /**
   * The batch is part of a preview whose writes are all thrown away (a dry-run sync, a seat
   * pre-check, a policy preview; see store/preview-store.ts). Nothing in it may lock the
   * organization's row, which every other writer of the organization would then wait for until the
   * preview ends: the seat guard counts without the lock, and a preview's pages are applied
   * without appending events (`applyChanges`).
   */
  readonly preview?: boolean | undefined;
  /**
   * The caller appends `outcome.events` itself, last in its transaction (a Graph run, whose
   * transaction spans several pages). Appending locks the organization's row on PostgreSQL; taken
   * mid-transaction, before later pages insert users, it made a deadlock with a SCIM write that had
   * inserted one of those users and waited for the row to append its own events.
   */
  readonly deferEvents?: boolean | undefined;
  /**
   * Connections that handed the user being decided over to this one, in this transaction
   * (`handOverUser`): none of them is an heir again, so a hand-over never goes round in a circle.
   */
  readonly handedOverBy?: readonly string[] | undefined;
  /** Reads for a run of user upserts, loaded at once (see `user-prefetch.ts`). */
  readonly userPrefetch?: UserPrefetch | undefined;
}
