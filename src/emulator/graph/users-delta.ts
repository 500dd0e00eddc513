/**
 * `GET /users/delta` ("user: delta").
 *
 * - The initial round returns every current user with the selected (or default) properties.
 * - Later rounds return users changed since the previous round: new and restored users in full;
 *   updated users only when a *tracked* property changed ("If a change occurs to a property that
 *   is not selected, the resource for which that property changed does not appear"); with
 *   `Prefer: return=minimal` only the changed properties ("…return only the object properties
 *   that have changed since the last round"); deleted users as
 *   `{ id, "@removed": { reason: "changed" | "deleted" } }` (soft / permanent).
 * - `$select=manager` tracks the manager relationship as `manager@delta`.
 */
import type { RequestContext } from '../http-io.js';
import { ObjectState } from '../object-table.js';
import type { EmulatorRuntime } from '../runtime.js';
import { contextUrl, selectFragment, sendGraphJson } from './graph-response.js';
import {
  deltaLink,
  deltaNextLink,
  inScope,
  prefersMinimal,
  startDeltaPage,
  type DeltaState,
} from './delta-round.js';
import { project, selectedProperties, userSpec } from './resource-shapes.js';

function managerDelta(rt: EmulatorRuntime, user: number): Record<string, unknown>[] {
  const manager = rt.store.managerOf(user);
  if (manager < 0 || !rt.store.users.isActive(manager)) return [];
  return [{ '@odata.type': '#microsoft.graph.user', id: rt.store.users.id(manager) }];
}

/** The JSON for one user in this round, or null when it has nothing to report. */
function userChange(
  rt: EmulatorRuntime,
  i: number,
  state: DeltaState,
  properties: readonly string[],
  tracksManager: boolean,
  minimal: boolean,
): Record<string, unknown> | null {
  const users = rt.store.users;
  const initial = state.since < 0;
  if (!initial && users.lastVersion(i) <= state.since) return null;
  if (!inScope(state, users.id(i))) return null;
  const meta = users.meta(i);
  if (users.state(i) !== ObjectState.Active) {
    // Users removed before the initial round are not reported (delta-query-overview).
    if (initial || !meta || meta.removedVersion <= state.since || meta.removedReason === null) return null;
    return { id: users.id(i), '@removed': { reason: meta.removedReason } };
  }
  const record = users.record(i);
  if (initial || (meta !== undefined && meta.createdVersion > state.since)) {
    const out = project(userSpec, record, properties);
    if (tracksManager) out['manager@delta'] = managerDelta(rt, i);
    return out;
  }
  const changed = properties.filter((p) => (meta?.propVersions.get(p) ?? 0) > state.since);
  const managerChanged = tracksManager && (meta?.propVersions.get('manager') ?? 0) > state.since;
  if (changed.length === 0 && !managerChanged) return null;
  const out = project(userSpec, record, minimal ? ['id', ...changed.filter((p) => p !== 'id')] : properties);
  if (managerChanged) out['manager@delta'] = managerDelta(rt, i);
  return out;
}

export function usersDelta(ctx: RequestContext, rt: EmulatorRuntime): void {
  const start = startDeltaPage(ctx, rt, userSpec);
  const state = start.state;
  const select = state.s?.filter((p) => p !== 'manager') ?? null;
  const fragment = contextUrl(ctx, selectFragment('users', state.s));
  if (start.kind === 'latest') {
    sendGraphJson(ctx, 200, {
      '@odata.context': fragment,
      '@odata.deltaLink': deltaLink(ctx, rt, userSpec, state),
      value: [],
    });
    return;
  }
  const properties = selectedProperties(userSpec, select === null && state.s !== null ? [] : select);
  const tracksManager = state.s?.includes('manager') ?? false;
  const minimal = state.since >= 0 && prefersMinimal(ctx);
  const pageSize = rt.options.pageSizes.usersDelta;
  const value: Record<string, unknown>[] = [];
  let i = state.c;
  for (; i < rt.store.users.size && value.length < pageSize; i++) {
    const change = userChange(rt, i, state, properties, tracksManager, minimal);
    if (change !== null) value.push(change);
  }
  const body: Record<string, unknown> = { '@odata.context': fragment };
  if (i < rt.store.users.size) body['@odata.nextLink'] = deltaNextLink(ctx, rt, userSpec, state, i, null);
  else body['@odata.deltaLink'] = deltaLink(ctx, rt, userSpec, state);
  body.value = value;
  sendGraphJson(ctx, 200, body, minimal ? { 'preference-applied': 'return=minimal' } : {});
}
