/**
 * Recognises the filters the store can answer with an indexed equality lookup instead of loading
 * every resource. Entra only ever sends `eq` joined by `and` (entra.md, "Queries"):
 *   userName eq "x"            externalId eq "x"        id eq "x"
 *   displayName eq "x"         emails.value eq "x"      emails[value eq "x"]
 *   emails[type eq "work"].value eq "x"  (parsed as emails[type eq "work" and value eq "x"])
 * and an `and` of those. Anything else returns undefined and is evaluated in memory.
 *
 * A User's `groups` are membership rows, so a group's members are an indexed lookup too:
 *   groups[value eq "g"]       groups.value eq "g"      groups eq "g"
 * (a complex attribute compared without a sub-attribute compares its `value`, RFC 7644 §3.4.2.2,
 * as evaluate.ts does); `value` is caseExact, so the lookup compares exactly.
 */
import type { AttrPath, Filter } from './ast.js';
import { type ScimResourceType, USER_SCHEMA_URN, GROUP_SCHEMA_URN } from '../schema/attribute-schema.js';

export type LookupAttribute =
  'id' | 'externalId' | 'userName' | 'displayName' | 'emails.value' | 'groups.value';

export interface EqualityLookup {
  readonly attribute: LookupAttribute;
  readonly value: string;
  /** Whether the store must compare exactly; otherwise case-insensitively (RFC 7643 §4.1.1, §3.1). */
  readonly caseExact: boolean;
  /** For `emails[type eq "work"]…`: the email `type` that must match too (case-insensitively). */
  readonly emailType?: string;
}

const TOP_LEVEL: Readonly<Record<string, { attribute: LookupAttribute; caseExact: boolean }>> = {
  id: { attribute: 'id', caseExact: true },
  externalid: { attribute: 'externalId', caseExact: true },
  username: { attribute: 'userName', caseExact: false },
  displayname: { attribute: 'displayName', caseExact: false },
};

const CORE_URNS: Readonly<Record<ScimResourceType, string>> = {
  User: USER_SCHEMA_URN,
  Group: GROUP_SCHEMA_URN,
};

function isCorePath(path: AttrPath, resourceType: ScimResourceType | undefined): boolean {
  if (path.uri === undefined) return true;
  const urns = resourceType === undefined ? Object.values(CORE_URNS) : [CORE_URNS[resourceType]];
  return urns.some((urn) => urn.toLowerCase() === path.uri?.toLowerCase());
}

function equalsString(filter: Filter): { path: AttrPath; value: string } | undefined {
  if (filter.kind !== 'comparison' || filter.operator !== 'eq' || typeof filter.value !== 'string')
    return undefined;
  return { path: filter.path, value: filter.value };
}

function emailLookup(filter: Filter): EqualityLookup | undefined {
  if (filter.kind !== 'valuePath' || filter.path.subAttribute !== undefined) return undefined;
  const terms = filter.filter.kind === 'and' ? filter.filter.filters : [filter.filter];
  let value: string | undefined;
  let emailType: string | undefined;
  for (const term of terms) {
    const equality = equalsString(term);
    const name = equality?.path.attribute.toLowerCase();
    if (
      equality === undefined ||
      equality.path.uri !== undefined ||
      equality.path.subAttribute !== undefined
    ) {
      return undefined;
    }
    if (name === 'value' && value === undefined) value = equality.value;
    else if (name === 'type' && emailType === undefined) emailType = equality.value;
    else return undefined;
  }
  if (value === undefined) return undefined;
  return {
    attribute: 'emails.value',
    value,
    caseExact: false,
    ...(emailType === undefined ? {} : { emailType }),
  };
}

/** `groups[value eq "g"]`: one `value eq` term, nothing else. */
function groupValuePathLookup(filter: Filter): EqualityLookup | undefined {
  if (filter.kind !== 'valuePath' || filter.path.subAttribute !== undefined) return undefined;
  const equality = equalsString(filter.filter);
  const { uri, attribute, subAttribute } = equality?.path ?? {};
  if (equality === undefined || uri !== undefined || subAttribute !== undefined) return undefined;
  return attribute?.toLowerCase() === 'value'
    ? { attribute: 'groups.value', value: equality.value, caseExact: true }
    : undefined;
}

function lookup(filter: Filter, resourceType: ScimResourceType | undefined): EqualityLookup | undefined {
  if (filter.kind === 'valuePath') {
    if (!isCorePath(filter.path, resourceType)) return undefined;
    const name = filter.path.attribute.toLowerCase();
    if (name === 'emails') return emailLookup(filter);
    return name === 'groups' && resourceType !== 'Group' ? groupValuePathLookup(filter) : undefined;
  }
  const equality = equalsString(filter);
  if (equality === undefined || !isCorePath(equality.path, resourceType)) return undefined;
  const { attribute, subAttribute } = equality.path;
  const name = attribute.toLowerCase();
  if (name === 'groups' && resourceType !== 'Group') {
    return subAttribute === undefined || subAttribute.toLowerCase() === 'value'
      ? { attribute: 'groups.value', value: equality.value, caseExact: true }
      : undefined;
  }
  if (subAttribute !== undefined) {
    const isEmailValue = name === 'emails' && subAttribute.toLowerCase() === 'value';
    return isEmailValue ? { attribute: 'emails.value', value: equality.value, caseExact: false } : undefined;
  }
  const known = TOP_LEVEL[name];
  if (known === undefined) return undefined;
  // userName belongs to Users, displayName is unique only for Groups (entra.md).
  if (resourceType === 'Group' && known.attribute === 'userName') return undefined;
  if (resourceType === 'User' && known.attribute === 'displayName') return undefined;
  return { ...known, value: equality.value };
}

/**
 * The equality lookups whose conjunction is exactly `filter`, or undefined when the filter has
 * another shape. Pass `resourceType` to accept only that resource type's core URN prefix.
 */
export function extractEqualityLookups(
  filter: Filter,
  resourceType?: ScimResourceType,
): readonly EqualityLookup[] | undefined {
  const lookups: EqualityLookup[] = [];
  // `a and (b and c)` is the same conjunction as `a and b and c`.
  const terms: Filter[] = [filter];
  for (let index = 0; index < terms.length; index += 1) {
    const term = terms[index];
    if (term?.kind === 'and') terms.push(...term.filters);
  }
  for (const term of terms) {
    if (term.kind === 'and') continue;
    const found = lookup(term, resourceType);
    if (found === undefined) return undefined;
    lookups.push(found);
  }
  return lookups;
}
