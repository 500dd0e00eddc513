/**
 * Delta query state shared by `/users/delta` and `/groups/delta` ("Use delta query to track
 * changes in Microsoft Graph data").
 *
 * A round starts from the initial request (`since` = -1: every current object) or from a
 * deltaLink (`since` = the version the previous round ended at), and snapshots the tenant version
 * as `upto`; the round's deltaLink resumes from `upto`. Paging within a round uses a cursor over
 * object indices, so objects changing mid-round are never skipped: if already passed, their new
 * version (> upto) makes them appear in the next round — a replay, which Graph also allows.
 *
 * Tokens expire after seven days for directory objects, or when a test calls
 * `expireDeltaTokens()`. The docs give two behaviours and the emulator answers with both at once:
 * - "In case of an expired token, the service should respond with a 40X-series error with error
 *   codes such as `syncStateNotFound`." (Token duration)
 * - "Delta query can return a response code of `410 (gone)` and a Location header containing a
 *   request URL with an empty `$deltaToken` (same as the initial query). This is an indication
 *   that the application must restart with a full synchronization" (Synchronization reset)
 * → 410 Gone, error code `syncStateNotFound`, `Location:` the initial delta query URL.
 */
import type { RequestContext } from '../http-io.js';
import { header } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { deltaIdFilter } from './filter-evaluate.js';
import { GraphError } from './graph-error.js';
import { apiVersion, encodeQueryValue } from './graph-response.js';
import { parseFilterOption, parseSelect, queryOption } from './odata-query.js';
import type { ResourceSpec } from './resource-shapes.js';

export interface DeltaState {
  t: 'delta';
  r: string;
  /** `$select` (navigation properties `manager` / `members` included), or null for defaults. */
  s: string[] | null;
  /** Lower-cased ids from `$filter=id eq …`, or null for all objects. */
  f: string[] | null;
  /** Changes after this version; -1 for an initial round (all current objects). */
  since: number;
  /** The tenant version when the round started; the next round starts from it. */
  upto: number;
  /** Next object index to visit. */
  c: number;
  /** Groups: last member code already sent for object `c`, or null. */
  m: number | null;
  /** Delta-token generation and issue time, for expiry. */
  g: number;
  at: number;
  k: 'skip' | 'delta';
}

export type DeltaStart = { kind: 'latest'; state: DeltaState } | { kind: 'page'; state: DeltaState };

export const prefersMinimal = (ctx: RequestContext): boolean =>
  /(^|[;,\s])return=minimal($|[;,\s])/i.test(header(ctx.req, 'prefer') ?? '');

function deltaPath(ctx: RequestContext, resource: ResourceSpec): string {
  return `${ctx.origin}/${apiVersion(ctx)}/${resource.entitySet}/delta`;
}

function initialQueryUrl(
  ctx: RequestContext,
  resource: ResourceSpec,
  state: Partial<DeltaState> | null,
): string {
  const parts: string[] = [];
  if (state?.s) parts.push(`$select=${encodeQueryValue(state.s.join(','))}`);
  if (state?.f) parts.push(`$filter=${encodeQueryValue(state.f.map((id) => `id eq '${id}'`).join(' or '))}`);
  return parts.length === 0 ? deltaPath(ctx, resource) : `${deltaPath(ctx, resource)}?${parts.join('&')}`;
}

function syncReset(
  ctx: RequestContext,
  resource: ResourceSpec,
  state: Partial<DeltaState> | null,
): GraphError {
  return new GraphError(
    410,
    'syncStateNotFound',
    'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    { location: initialQueryUrl(ctx, resource, state) },
  );
}

/** Reads the request into the state of the page to serve (or `$deltatoken=latest`). */
export function startDeltaPage(ctx: RequestContext, rt: EmulatorRuntime, resource: ResourceSpec): DeltaStart {
  const params = ctx.url.searchParams;
  const token = queryOption(params, 'deltatoken') ?? queryOption(params, 'skiptoken');
  const fresh = (since: number): DeltaState => {
    const filter = parseFilterOption(queryOption(params, 'filter'));
    return {
      t: 'delta',
      r: resource.entitySet,
      s: parseSelect(queryOption(params, 'select'), resource, true),
      f: filter === null ? null : deltaIdFilter(filter),
      since,
      upto: rt.store.version,
      c: 0,
      m: null,
      g: rt.deltaGeneration,
      at: rt.now().getTime(),
      k: 'skip',
    };
  };
  if (token === null || token === '') return { kind: 'page', state: fresh(-1) };
  if (token.toLowerCase() === 'latest') return { kind: 'latest', state: fresh(rt.store.version) };

  const state = rt.stateTokens.open(token) as Partial<DeltaState> | null;
  if (state?.t !== 'delta' || state.r !== resource.entitySet) throw syncReset(ctx, resource, null);
  const ageMs = rt.now().getTime() - (state.at ?? 0);
  if (state.g !== rt.deltaGeneration || ageMs > rt.options.deltaTokenLifetimeSeconds * 1000) {
    throw syncReset(ctx, resource, state);
  }
  const full = state as DeltaState;
  if (full.k === 'delta') {
    // A deltaLink begins a new round from where the previous one ended.
    return {
      kind: 'page',
      state: { ...full, since: full.upto, upto: rt.store.version, c: 0, m: null, k: 'skip' },
    };
  }
  return { kind: 'page', state: full };
}

/** `@odata.nextLink` continuing this round at the given cursor. */
export function deltaNextLink(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  resource: ResourceSpec,
  state: DeltaState,
  cursor: number,
  memberCursor: number | null,
): string {
  const next: DeltaState = { ...state, c: cursor, m: memberCursor, k: 'skip', at: rt.now().getTime() };
  return `${deltaPath(ctx, resource)}?$skiptoken=${rt.stateTokens.seal(next)}`;
}

/** `@odata.deltaLink` for the next round, which returns changes after this round's snapshot. */
export function deltaLink(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  resource: ResourceSpec,
  state: DeltaState,
): string {
  const next: DeltaState = { ...state, c: 0, m: null, k: 'delta', at: rt.now().getTime() };
  return `${deltaPath(ctx, resource)}?$deltatoken=${rt.stateTokens.seal(next)}`;
}

/** Whether an object index is in the round's `$filter=id eq …` scope. */
export function inScope(state: DeltaState, id: string): boolean {
  return state.f === null || state.f.includes(id.toLowerCase());
}
