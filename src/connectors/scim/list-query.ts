import type { SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../store/database.js';
import type { Database, DirectoryGroupRow, DirectoryUserRow } from '../../store/schema.js';
import { chunks } from '../../store/statement-shapes.js';
import {
  compileFilter,
  extractEqualityLookups,
  parseAttributePath,
  parseFilter,
  type AttrPath,
  type EqualityLookup,
  type Filter,
} from './filter/index.js';
import { ScimProtocolError } from './filter/errors.js';
import { userMembersOfGroup } from './resources/user-groups.js';
import type { ScimResourceType } from './schema/attribute-schema.js';
import { type SortKey, sortByKey, sortKeyOf } from './sort-key.js';

/**
 * List parameters of RFC 7644 §3.4.2: filter, sortBy/sortOrder, startIndex (1-based) and count.
 * Equality lookups that Entra sends (`userName eq`, `externalId eq`, `displayName eq`,
 * `emails[type eq "work"].value eq`) are answered from indexed columns, and a group's members
 * (`groups[value eq "g"]`) from the membership rows; every other filter is evaluated on the
 * candidates with the full grammar and the RFC's case rules.
 */
export interface ListParams {
  filter: Filter | undefined;
  startIndex: number;
  count: number;
  sortBy: AttrPath | undefined;
  descending: boolean;
}

export const maxResults = 1000;
const defaultCount = 100;

export function parseListParams(query: Record<string, string | undefined>): ListParams {
  const startIndex = parseInteger(query.startIndex, 'startIndex') ?? 1;
  const count = parseInteger(query.count, 'count') ?? defaultCount;
  const sortOrder = query.sortOrder?.toLowerCase();
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw new ScimProtocolError('sortOrder must be "ascending" or "descending"', {
      scimType: 'invalidValue',
    });
  }
  return {
    filter: query.filter === undefined || query.filter.trim() === '' ? undefined : parseFilter(query.filter),
    // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0.
    startIndex: Math.max(1, startIndex),
    count: Math.min(Math.max(0, count), maxResults),
    sortBy: parseSortBy(query.sortBy),
    descending: sortOrder === 'descending',
  };
}

/**
 * `sortBy` is an attribute path (RFC 7644 §3.4.2.3), read with the filter grammar's rules so a
 * fully qualified name keeps its URN whole (`…:enterprise:2.0:User:employeeNumber` was split at
 * the dot of "2.0" and sorted nothing). One that is not a path is refused, not ignored.
 */
function parseSortBy(raw: string | undefined): AttrPath | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return parseAttributePath(raw.trim());
  } catch (error) {
    if (!(error instanceof ScimProtocolError)) throw error;
    throw new ScimProtocolError(`sortBy must be an attribute path such as name.givenName: ${error.detail}`, {
      scimType: 'invalidValue',
      cause: error,
    });
  }
}

function parseInteger(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new ScimProtocolError(`${name} must be an integer`, { scimType: 'invalidValue' });
  // An index past any real list must page to nothing, not overflow the database's integer
  // (found by test/connectors/scim/scim-fuzz.e2e.test.ts: startIndex=99999999999999999999 was a 500).
  const value = Number(raw);
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value));
}

/**
 * A query parameter given twice (`?filter=a&filter=b`) reaches the routes as an array, which no
 * parameter of RFC 7644 §3.4.2 can be: it is refused as invalidValue, naming the parameter, before
 * any handler reads the query as strings (it was a 500).
 */
export function assertSingleQueryValues(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      throw new ScimProtocolError(`The query parameter "${name}" must be given once`, {
        scimType: 'invalidValue',
      });
    }
  }
}

type Table = 'directory_users' | 'directory_groups';
type Row<T extends Table> = T extends 'directory_users' ? DirectoryUserRow : DirectoryGroupRow;

const indexedColumns: Record<Table, Record<string, (value: string) => [string, string]>> = {
  directory_users: {
    id: (v) => ['id', v],
    username: (v) => ['user_name_key', v.toLowerCase()],
    externalid: (v) => ['external_id', v],
    'emails.value': (v) => ['email_key', v.toLowerCase()],
  },
  directory_groups: {
    id: (v) => ['id', v],
    displayname: (v) => ['display_name_key', v.toLowerCase()],
    externalid: (v) => ['external_id', v],
  },
};

/**
 * The equality lookups that narrow the candidates: those of the whole filter, else those of the
 * conjuncts of a top-level `and`. Narrowing by one conjunct is safe because the whole filter is
 * still evaluated on every candidate; Entra checks a membership with
 * `id eq "…" and members[value eq "…"]`, which must not load every group.
 */
function narrowingLookups(filter: Filter): readonly EqualityLookup[] {
  const whole = extractEqualityLookups(filter);
  if (whole !== undefined || filter.kind !== 'and') return whole ?? [];
  return filter.filters.flatMap((term) => narrowingLookups(term));
}

/** Whether the filter or the sort names `attribute` (e.g. `members`), in any case. */
export function listMentions(params: ListParams, attribute: string): boolean {
  const sorted = params.sortBy?.attribute.toLowerCase() === attribute.toLowerCase();
  return sorted || (params.filter !== undefined && filterMentions(params.filter, attribute));
}

/** Whether the filter names `attribute` anywhere, in any case. */
export function filterMentions(filter: Filter, attribute: string): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.filters.some((term) => filterMentions(term, attribute));
    case 'not':
      return filterMentions(filter.filter, attribute);
    default:
      return filter.path.attribute.toLowerCase() === attribute.toLowerCase();
  }
}

export interface ListOptions<R> {
  /**
   * Renders candidates for the filter and the sort when `render` leaves out what they read: a
   * Group's `members` and a User's `groups` are rows, not part of the stored resource. Called
   * with a batch of candidates at a time, so their rows are read together.
   */
  renderForQuery?: (rows: R[]) => Promise<Record<string, unknown>[]>;
}

/** Candidates rendered at a time: bounds memory while the filter and sort run over all of them. */
const renderBatchSize = 500;

export async function listResources<T extends Table>(
  db: Executor,
  table: T,
  connectionId: string,
  resourceType: ScimResourceType,
  params: ListParams,
  render: (row: Row<T>) => Record<string, unknown>,
  options: ListOptions<Row<T>> = {},
): Promise<{ totalResults: number; rows: Row<T>[] }> {
  // Kysely cannot type a query over a table chosen at run time; the rows are typed by `Row<T>`.
  let query = db
    .selectFrom(table as 'directory_users')
    .where('connection_id', '=', connectionId) as unknown as SelectQueryBuilder<
    Database,
    'directory_users',
    object
  >;
  const lookups = params.filter ? narrowingLookups(params.filter) : [];
  for (const lookup of lookups) {
    if (lookup.attribute === 'groups.value') {
      if (table === 'directory_users') {
        query = query.where('id', 'in', userMembersOfGroup(db, connectionId, lookup.value));
      }
      continue;
    }
    const column = indexedColumns[table][lookup.attribute.toLowerCase()];
    // The email column holds the first work (else primary) address: only work-email lookups can
    // narrow by it without missing a user whose other address matches.
    const usable = lookup.attribute !== 'emails.value' || lookup.emailType?.toLowerCase() === 'work';
    if (column && usable) {
      const [name, value] = column(lookup.value);
      query = query.where(name as 'id', '=', value);
    }
  }
  if (!params.sortBy && (!params.filter || isAnsweredByMemberships(params.filter, table))) {
    const { total } = await query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .offset(params.startIndex - 1)
      .limit(params.count)
      .execute();
    return { totalResults: Number(total), rows: rows as unknown as Row<T>[] };
  }
  const candidates = (await query
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute()) as unknown as Row<T>[];
  // Compiled once: the schema checks run once per request, not once per row.
  const matches = params.filter ? compileFilter(params.filter, resourceType) : undefined;
  const { renderForQuery } = options;
  const kept: { row: Row<T>; key: SortKey | undefined }[] = [];
  for (const batch of chunks(candidates, renderBatchSize)) {
    const resources = renderForQuery ? await renderForQuery(batch) : batch.map(render);
    batch.forEach((row, index) => {
      const resource = resources[index] ?? {};
      if (matches && !matches(resource)) return;
      const key = params.sortBy ? sortKeyOf(resource, resourceType, params.sortBy) : undefined;
      kept.push({ row, key });
    });
  }
  const ordered = params.sortBy ? sortByKey(kept, params.descending) : kept;
  return {
    totalResults: ordered.length,
    rows: ordered
      .slice(params.startIndex - 1, params.startIndex - 1 + params.count)
      .map((entry) => entry.row),
  };
}

/**
 * Whether the membership lookups alone are the whole filter (`groups[value eq "g"]`, or an `and`
 * of such terms): then the rows the query selects are exactly the matches, and the database counts
 * and pages them, in the order the in-memory path keeps. A group of 100,000 members is then never
 * read whole, nor each member's groups loaded, to answer a page of 100.
 */
function isAnsweredByMemberships(filter: Filter, table: Table): boolean {
  if (table !== 'directory_users') return false;
  const lookups = extractEqualityLookups(filter, 'User');
  return lookups !== undefined && lookups.every((lookup) => lookup.attribute === 'groups.value');
}
