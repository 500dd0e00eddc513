/**
 * What Graph knows about each property of `user` and `group`: whether it is in the default
 * response (users return only a default set unless `$select` asks for more — "List users":
 * businessPhones, displayName, givenName, id, jobTitle, mail, mobilePhone, officeLocation,
 * preferredLanguage, surname, userPrincipalName), which `$filter` operators work without advanced
 * query parameters, and how `$search` matches it (aad-advanced-queries, search-query-parameter).
 */
import type { GroupRecord, UserRecord } from '../directory-types.js';

export type SearchMode = 'tokenized' | 'prefix';

export interface PropertySpec {
  name: string;
  inDefault: boolean;
  /** Filterable with eq / in / startsWith (strings) by default; ne, not, endsWith need advanced queries. */
  filterable: boolean;
  /** endsWith works (advanced only) — Graph allows it on mail and userPrincipalName. */
  endsWith: boolean;
  search: SearchMode | null;
}

export interface ResourceSpec<T = unknown> {
  /** OData type and entity-set names, e.g. `microsoft.graph.user` / `users`. */
  type: string;
  entitySet: string;
  /** "User", "Group": the resource name in Graph's filter error messages. */
  label: string;
  properties: ReadonlyMap<string, PropertySpec>;
  /** Navigation properties accepted in `$select` (tracked by delta): `manager`, `members`. */
  navigation: ReadonlySet<string>;
  value(record: T, property: string): unknown;
}

function spec(
  name: string,
  options: { inDefault?: boolean; filterable?: boolean; endsWith?: boolean; search?: SearchMode | null } = {},
): PropertySpec {
  return {
    name,
    inDefault: options.inDefault ?? false,
    filterable: options.filterable ?? false,
    endsWith: options.endsWith ?? false,
    search: options.search ?? null,
  };
}

const byLowerName = (specs: PropertySpec[]): ReadonlyMap<string, PropertySpec> =>
  new Map(specs.map((s) => [s.name.toLowerCase(), s]));

export const userSpec: ResourceSpec<UserRecord> = {
  type: 'microsoft.graph.user',
  entitySet: 'users',
  label: 'User',
  navigation: new Set(['manager']),
  properties: byLowerName([
    spec('id', { inDefault: true, filterable: true }),
    spec('businessPhones', { inDefault: true, filterable: true }),
    spec('displayName', { inDefault: true, filterable: true, search: 'tokenized' }),
    spec('givenName', { inDefault: true, filterable: true, search: 'tokenized' }),
    spec('jobTitle', { inDefault: true, filterable: true }),
    spec('mail', { inDefault: true, filterable: true, endsWith: true, search: 'prefix' }),
    spec('mobilePhone', { inDefault: true, filterable: true }),
    spec('officeLocation', { inDefault: true, filterable: true }),
    spec('preferredLanguage', { inDefault: true, filterable: true }),
    spec('surname', { inDefault: true, filterable: true, search: 'tokenized' }),
    spec('userPrincipalName', { inDefault: true, filterable: true, endsWith: true, search: 'prefix' }),
    spec('accountEnabled', { filterable: true }),
    spec('userType', { filterable: true }),
    spec('mailNickname', { filterable: true, search: 'prefix' }),
    spec('otherMails', { filterable: true }),
    spec('creationType', { filterable: true }),
    spec('externalUserState', { filterable: true }),
    spec('department', { filterable: true }),
    spec('companyName', { filterable: true }),
    spec('city', { filterable: true }),
    spec('country', { filterable: true }),
    spec('usageLocation', { filterable: true }),
    spec('employeeId', { filterable: true }),
    spec('employeeType', { filterable: true }),
    spec('createdDateTime', { filterable: true }),
  ]),
  value: (record, property) => (record as unknown as Record<string, unknown>)[property],
};

export const groupSpec: ResourceSpec<GroupRecord> = {
  type: 'microsoft.graph.group',
  entitySet: 'groups',
  label: 'Group',
  navigation: new Set(['members']),
  properties: byLowerName([
    spec('id', { inDefault: true, filterable: true }),
    spec('displayName', { inDefault: true, filterable: true, search: 'tokenized' }),
    spec('description', { inDefault: true, filterable: true, search: 'tokenized' }),
    spec('mail', { inDefault: true, filterable: true, endsWith: true, search: 'prefix' }),
    spec('mailEnabled', { inDefault: true, filterable: true }),
    spec('mailNickname', { inDefault: true, filterable: true, search: 'prefix' }),
    spec('securityEnabled', { inDefault: true, filterable: true }),
    spec('groupTypes', { inDefault: true, filterable: true }),
    spec('visibility', { inDefault: true }),
    spec('createdDateTime', { inDefault: true, filterable: true }),
  ]),
  value: (record, property) => (record as unknown as Record<string, unknown>)[property],
};

/**
 * The abstract `directoryObject` of member lists: any user or group property may be selected or
 * filtered; each item still answers with the properties its own type has.
 */
export const directoryObjectSpec: ResourceSpec = {
  type: 'microsoft.graph.directoryObject',
  entitySet: 'directoryObjects',
  label: 'DirectoryObject',
  navigation: new Set(),
  properties: new Map([...groupSpec.properties, ...userSpec.properties]),
  value: (record, property) => (record as Record<string, unknown>)[property],
};

/** The canonical property names to return: `$select` (id always included) or the default set. */
export function selectedProperties(resource: ResourceSpec, select: readonly string[] | null): string[] {
  if (select === null) return [...resource.properties.values()].filter((p) => p.inDefault).map((p) => p.name);
  const names = select
    .map((name) => resource.properties.get(name.toLowerCase())?.name)
    .filter((n): n is string => n !== undefined);
  return names.includes('id') ? names : ['id', ...names];
}

/** Copies the named properties; absent values come back as null, as Graph returns them. */
export function project<T>(
  resource: ResourceSpec<T>,
  record: T,
  properties: readonly string[],
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const name of properties) {
    const value = resource.value(record, name);
    out[name] = Array.isArray(value) ? [...(value as unknown[])] : (value ?? null);
  }
  return out;
}
