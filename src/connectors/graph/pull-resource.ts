import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { GraphPage } from './graph-client.js';
import { GraphError } from './graph-error.js';
import type { PullProgress, PullSession } from './pull-session.js';
import {
  clearMarks,
  hasDirectoryObjects,
  loadSyncState,
  saveSyncState,
  type GraphResource,
  type SyncState,
} from './sync-state.js';

/**
 * One resource's round of delta paging: resume the round in progress, or start a delta round
 * from the stored deltaLink, or a full round (first run, `--full`, or Graph saying the token is
 * gone). Each page's changes and the position after it commit together. A full round over
 * existing objects marks what it sees and sweeps the rest only once its last page has arrived:
 * a round cut short removes nothing.
 */
export interface ResourceHandler<T> {
  readonly resource: GraphResource;
  initialUrl(): string;
  /** Work that must happen outside a transaction (network) before a page is applied. */
  prepare(page: T[], roundKind: SyncState['round_kind']): Promise<unknown>;
  applyPage(trx: Transaction<Database>, page: T[], round: SyncState, prepared: unknown): Promise<void>;
  /** Removes what a full round did not see; called in the last page's transaction. */
  sweep(trx: Transaction<Database>, roundId: string): Promise<void>;
}

/** Until when further downloaded pages join one transaction: fewer, larger commits (see below). */
const transactionBudget = { milliseconds: 500, objects: 5000 };

interface FetchedPage<T> {
  items: T[];
  nextLink: string | undefined;
  deltaLink: string | undefined;
  prepared: unknown;
}

/** A page being downloaded (and prepared) while earlier ones are applied. */
interface PageAhead<T> {
  link: string;
  result: Promise<FetchedPage<T>>;
  /** Arrived and prepared without error: it may join the open transaction. */
  ready: boolean;
}

export async function pullResource<T>(
  session: PullSession,
  handler: ResourceHandler<T>,
  options: { full: boolean },
  progress: PullProgress,
): Promise<void> {
  const { connectionId } = session;
  let round = await beginRound(session, handler, options.full);
  progress.phase = handler.resource;
  progress.rounds[handler.resource] = round.round_kind ?? 'full';
  let resyncs = 0;
  // Graph splits a group with many members over several pages, repeating the group on each: it
  // is counted once. Users arrive once per round, and 100,000 ids would be memory spent for nothing.
  const groupsCounted = new Set<string>();
  const count = (items: T[]): void => {
    if (handler.resource === 'users') {
      progress.usersSeen += items.length;
      return;
    }
    for (const item of items) {
      const id = (item as { id?: unknown }).id;
      if (typeof id !== 'string' || groupsCounted.has(id)) continue;
      groupsCounted.add(id);
      progress.groupsSeen += 1;
    }
  };
  const fetchPage = async (link: string, kind: SyncState['round_kind']): Promise<FetchedPage<T>> => {
    const page = await session.client.get<GraphPage<T>>(link);
    const items = Array.isArray(page.value) ? page.value : [];
    const nextLink = page['@odata.nextLink'];
    const deltaLink = page['@odata.deltaLink'];
    if (nextLink === undefined && deltaLink === undefined) {
      throw new GraphError('upstream', 'Microsoft Graph returned a delta page without a next or delta link', {
        graphCode: 'malformed_delta_page',
      });
    }
    return {
      items,
      nextLink,
      deltaLink,
      prepared: await handler.prepare(items, kind),
    };
  };
  // The next page is fetched while this one is applied, so Graph's latency and the database's overlap.
  let ahead: PageAhead<T> | undefined;
  const fetchAhead = (fetched: FetchedPage<T>, kind: SyncState['round_kind']): void => {
    ahead = undefined;
    if (fetched.nextLink === undefined) return;
    const next: PageAhead<T> = {
      link: fetched.nextLink,
      result: fetchPage(fetched.nextLink, kind),
      ready: false,
    };
    // Awaited later; until then a failure must not surface as an unhandled rejection.
    next.result.then(
      () => {
        next.ready = true;
      },
      () => undefined,
    );
    ahead = next;
  };
  for (;;) {
    await session.checkpoint();
    const link = round.next_link;
    if (link === null) throw new TypeError('a round needs a next link');
    let fetched: FetchedPage<T>;
    try {
      fetched = await (ahead?.link === link ? ahead.result : fetchPage(link, round.round_kind));
    } catch (error) {
      ahead = undefined;
      // A fresh full round that Graph also refuses would loop for ever: that one fails the run.
      if (!(error instanceof GraphError) || !error.isSyncStateLost || resyncs >= 2) throw error;
      resyncs += 1;
      // The delta token (or a resumed page link) expired: start over in full, removing nothing until all is seen.
      session.logger.warn(
        { connectionId, resource: handler.resource, graphCode: error.graphCode },
        'Graph sync state lost; full resync',
      );
      if (round.round_id !== null) await clearMarks(session.db, session.connectionId, round.round_id);
      round = await fullRound(session, handler, true);
      progress.rounds[handler.resource] = 'full';
      if (!progress.resynced.includes(handler.resource)) progress.resynced.push(handler.resource);
      continue;
    }
    fetchAhead(fetched, round.round_kind);
    const first = fetched;
    const started = performance.now();
    round = await session.transaction(async (trx) => {
      let state = round;
      let page = first;
      let objects = 0;
      for (;;) {
        state = await applyFetchedPage(trx, session, handler, state, page, progress, count);
        objects += page.items.length;
        // Following pages join this transaction while the budget lasts: with fewer, larger
        // commits SQLite writes each database page it touched once, not once per Graph page.
        // Each commit still holds the position after its last page, so a run stopped at any
        // point resumes there. SQLite queries never yield to the event loop, so the page fetched
        // ahead gets a short wait here to arrive; a slow or failing fetch ends the transaction.
        const more = ahead;
        if (state.next_link === null || more === undefined || more.link !== state.next_link) return state;
        const left = transactionBudget.milliseconds - (performance.now() - started);
        if (left <= 0 || objects >= transactionBudget.objects) return state;
        if (!more.ready) await Promise.race([more.result.catch(() => undefined), sleep(Math.min(left, 50))]);
        if (!more.ready) return state;
        // A stop asked for ends the transaction here; the checkpoint before the next one throws it.
        if (
          await session.checkpoint(trx).then(
            () => false,
            () => true,
          )
        )
          return state;
        page = await more.result;
        fetchAhead(page, state.round_kind);
      }
    });
    if (round.next_link === null) return;
  }
}

/** One page's changes and the position after it, inside the caller's transaction. */
async function applyFetchedPage<T>(
  trx: Transaction<Database>,
  session: PullSession,
  handler: ResourceHandler<T>,
  current: SyncState,
  page: FetchedPage<T>,
  progress: PullProgress,
  count: (items: T[]) => void,
): Promise<SyncState> {
  await handler.applyPage(trx, page.items, current, page.prepared);
  let next: SyncState;
  if (page.nextLink !== undefined) {
    next = { ...current, next_link: page.nextLink };
  } else {
    if (current.sweep === 1 && current.round_id !== null) await handler.sweep(trx, current.round_id);
    next = {
      delta_link: page.deltaLink ?? null,
      next_link: null,
      round_kind: null,
      round_id: null,
      sweep: 0,
    };
  }
  await saveSyncState(trx, session.connectionId, handler.resource, next, session.now());
  progress.pages += 1;
  count(page.items);
  await session.onPage(trx, progress);
  return next;
}

async function beginRound<T>(
  session: PullSession,
  handler: ResourceHandler<T>,
  full: boolean,
): Promise<SyncState> {
  const state = await loadSyncState(session.db, session.connectionId, handler.resource);
  // A round cut short (killed, cancelled, failed) resumes where its last committed page left it.
  if (state?.next_link && (!full || state.round_kind === 'full')) return state;
  if (!full && state?.delta_link) {
    return { ...state, next_link: state.delta_link, round_kind: 'delta', round_id: null, sweep: 0 };
  }
  // A forced full round replaces a cut-short one; the marks of the one it replaces are dropped.
  if (state?.round_id) await clearMarks(session.db, session.connectionId, state.round_id);
  return fullRound(
    session,
    handler,
    await hasDirectoryObjects(session.db, session.connectionId, handler.resource),
  );
}

async function fullRound<T>(
  session: PullSession,
  handler: ResourceHandler<T>,
  sweep: boolean,
): Promise<SyncState> {
  return {
    delta_link: null,
    next_link: handler.initialUrl(),
    round_kind: 'full',
    round_id: randomUUID(),
    sweep: sweep ? 1 : 0,
  };
}
