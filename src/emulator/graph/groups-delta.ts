/**
 * `GET /groups/delta` ("group: delta", "Get incremental changes for groups").
 *
 * - Membership is tracked when `$select` includes `members` (or `$expand=members`) and by default
 *   ("The members@delta property is included in group objects by default, when the $select query
 *   parameter has not been specified"). Members are direct only; nested groups appear as
 *   `#microsoft.graph.group` entries.
 * - Large groups are split: "the same group object … with the same property values … but the
 *   expanded members@delta property now contains a different list", so a page stops when its
 *   member budget is spent and the next page repeats the group with the next chunk.
 * - A group without members has no `members@delta` in the initial round (as in the docs sample).
 * - Removed members: `{ "@odata.type", id, "@removed": { "reason": "deleted" } }`, whether the
 *   membership was removed or the member object deleted.
 * - Deleted groups: `{ id, "@removed": { reason: "changed" | "deleted" } }`.
 */
import { indexOfCode, isGroupCode } from '../directory-types.js';
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
import { queryOption } from './odata-query.js';
import { groupSpec, project, selectedProperties } from './resource-shapes.js';

/** Member entries of one group for this round: every current member, or the changes. */
type MemberEntries =
  { kind: 'all'; codes: Int32Array } | { kind: 'changes'; list: { code: number; present: boolean }[] };

interface GroupChange {
  object: Record<string, unknown>;
  members: MemberEntries | null;
  removed: boolean;
}

function groupChange(
  rt: EmulatorRuntime,
  j: number,
  state: DeltaState,
  properties: readonly string[],
  membersTracked: boolean,
  minimal: boolean,
): GroupChange | null {
  const { groups, memberships } = rt.store;
  const initial = state.since < 0;
  const propsChangedAt = groups.lastVersion(j);
  const membersChangedAt = membersTracked ? memberships.lastVersion(j) : 0;
  if (!initial && propsChangedAt <= state.since && membersChangedAt <= state.since) return null;
  if (!inScope(state, groups.id(j))) return null;
  const meta = groups.meta(j);
  if (groups.state(j) !== ObjectState.Active) {
    if (initial || !meta || meta.removedVersion <= state.since || meta.removedReason === null) return null;
    return {
      object: { id: groups.id(j), '@removed': { reason: meta.removedReason } },
      members: null,
      removed: true,
    };
  }
  const record = groups.record(j);
  if (initial || (meta !== undefined && meta.createdVersion > state.since)) {
    const members = membersTracked ? { kind: 'all' as const, codes: memberships.members(j) } : null;
    return { object: project(groupSpec, record, properties), members, removed: false };
  }
  const changed = properties.filter((p) => p !== 'id' && (meta?.propVersions.get(p) ?? 0) > state.since);
  const list = membersTracked ? memberships.changesSince(j, state.since) : [];
  if (changed.length === 0 && list.length === 0) return null;
  return {
    object: project(groupSpec, record, minimal ? ['id', ...changed] : properties),
    members: list.length > 0 ? { kind: 'changes', list } : null,
    removed: false,
  };
}

function firstAfter(codes: Int32Array, cursor: number | null): number {
  if (cursor === null) return 0;
  let lo = 0;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (codes[mid]! <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function memberEntry(rt: EmulatorRuntime, code: number, present: boolean): Record<string, unknown> {
  const group = isGroupCode(code);
  const index = indexOfCode(code);
  const entry: Record<string, unknown> = {
    '@odata.type': group ? '#microsoft.graph.group' : '#microsoft.graph.user',
    id: group ? rt.store.groups.id(index) : rt.store.users.id(index),
  };
  if (!present) entry['@removed'] = { reason: 'deleted' };
  return entry;
}

/** The next chunk of entries after `cursor`, at most `limit`; `more` when entries remain. */
function chunk(
  rt: EmulatorRuntime,
  entries: MemberEntries,
  cursor: number | null,
  limit: number,
): { json: Record<string, unknown>[]; last: number | null; more: boolean } {
  if (entries.kind === 'all') {
    const from = firstAfter(entries.codes, cursor);
    const to = Math.min(entries.codes.length, from + limit);
    const json: Record<string, unknown>[] = [];
    for (let k = from; k < to; k++) json.push(memberEntry(rt, entries.codes[k]!, true));
    return { json, last: to > from ? entries.codes[to - 1]! : null, more: to < entries.codes.length };
  }
  const pending = cursor === null ? entries.list : entries.list.filter((e) => e.code > cursor);
  const taken = pending.slice(0, limit);
  return {
    json: taken.map((e) => memberEntry(rt, e.code, e.present)),
    last: taken.at(-1)?.code ?? null,
    more: taken.length < pending.length,
  };
}

export function groupsDelta(ctx: RequestContext, rt: EmulatorRuntime): void {
  const start = startDeltaPage(ctx, rt, groupSpec);
  const state = start.state;
  // The 2019 docs sample tracks members with `$expand=members`; keep honouring it.
  const expandMembers = /^members$/i.test(queryOption(ctx.url.searchParams, 'expand') ?? '');
  if (expandMembers && state.s !== null && !state.s.includes('members')) state.s = [...state.s, 'members'];
  const fragment = contextUrl(ctx, selectFragment('groups', state.s));
  if (start.kind === 'latest') {
    sendGraphJson(ctx, 200, {
      '@odata.context': fragment,
      '@odata.deltaLink': deltaLink(ctx, rt, groupSpec, state),
      value: [],
    });
    return;
  }
  const select = state.s?.filter((p) => p !== 'members') ?? null;
  const properties = selectedProperties(groupSpec, select);
  const membersTracked = state.s === null || state.s.includes('members');
  const minimal = state.since >= 0 && prefersMinimal(ctx);
  const { groupsDelta: groupBudget, membersPerDeltaPage: memberBudget } = rt.options.pageSizes;

  const value: Record<string, unknown>[] = [];
  let used = 0;
  let j = state.c;
  let memberCursor = state.m;
  let next: { j: number; m: number | null } | null = null;
  for (; j < rt.store.groups.size; j++, memberCursor = null) {
    if (value.length >= groupBudget) {
      next = { j, m: null };
      break;
    }
    const change = groupChange(rt, j, state, properties, membersTracked, minimal);
    if (change === null) continue;
    if (change.members === null) {
      if (memberCursor === null) value.push(change.object);
      continue;
    }
    if (used >= memberBudget) {
      next = { j, m: memberCursor };
      break;
    }
    const part = chunk(rt, change.members, memberCursor, memberBudget - used);
    if (part.json.length === 0 && memberCursor !== null) continue;
    if (part.json.length > 0) change.object['members@delta'] = part.json;
    value.push(change.object);
    used += part.json.length;
    if (part.more) {
      next = { j, m: part.last };
      break;
    }
  }
  const body: Record<string, unknown> = { '@odata.context': fragment };
  if (next !== null) body['@odata.nextLink'] = deltaNextLink(ctx, rt, groupSpec, state, next.j, next.m);
  else body['@odata.deltaLink'] = deltaLink(ctx, rt, groupSpec, state);
  body.value = value;
  sendGraphJson(ctx, 200, body, minimal ? { 'preference-applied': 'return=minimal' } : {});
}
