import { groupRefMatches, type DirectoryGroupFacts, type GroupRef, type Policy } from './policy.js';

/**
 * Scope: which directory users become platform users. Pure: the engine hands over the user's
 * flattened attributes and the directory groups the user belongs to (nested ones included when
 * the policy asks), and this answers in or out.
 *
 * Filters compare case-insensitively, as Entra's own scoping filters do. `memberOf` is what
 * admins know from Entra's scoping as ARRAYCONTAINS over security groups.
 */
export type ScopeFilter =
  | { readonly and: readonly ScopeFilter[] }
  | { readonly or: readonly ScopeFilter[] }
  | { readonly not: ScopeFilter }
  | { readonly memberOf: GroupRef }
  | AttributeCondition;

export type AttributeCondition =
  | { readonly attribute: string; readonly equals: string }
  | { readonly attribute: string; readonly notEquals: string }
  | { readonly attribute: string; readonly in: readonly string[] }
  | { readonly attribute: string; readonly startsWith: string }
  | { readonly attribute: string; readonly contains: string };

export interface ScopeFacts {
  readonly attributes: Readonly<Record<string, string | undefined>>;
  /** The user's directory groups: direct ones, and with `scope.nested` every group above them. */
  readonly groups: readonly DirectoryGroupFacts[];
}

export type ScopeDecision = { readonly inScope: true } | { readonly inScope: false; readonly reason: string };

export function evaluateScope(policy: Policy, facts: ScopeFacts): ScopeDecision {
  const { scope } = policy;
  if (
    scope.users === 'groups' &&
    !facts.groups.some((group) => scope.groups.some((ref) => groupRefMatches(ref, group)))
  ) {
    return { inScope: false, reason: 'not a member of a group in scope' };
  }
  if (scope.users === 'mappedGroups' && !facts.groups.some((group) => isMapped(policy, group))) {
    return { inScope: false, reason: 'not a member of a group that has a mapping' };
  }
  if (scope.filter !== null && !evaluateFilter(scope.filter, facts)) {
    return { inScope: false, reason: 'excluded by the scope filter' };
  }
  return { inScope: true };
}

export function isMapped(policy: Policy, group: DirectoryGroupFacts): boolean {
  return policy.groups.mappings.some((mapping) => groupRefMatches(mapping.directoryGroup, group));
}

export function evaluateFilter(filter: ScopeFilter, facts: ScopeFacts): boolean {
  if ('and' in filter) return filter.and.every((part) => evaluateFilter(part, facts));
  if ('or' in filter) return filter.or.some((part) => evaluateFilter(part, facts));
  if ('not' in filter) return !evaluateFilter(filter.not, facts);
  if ('memberOf' in filter) return facts.groups.some((group) => groupRefMatches(filter.memberOf, group));
  return evaluateCondition(filter, facts.attributes[filter.attribute]);
}

function evaluateCondition(condition: AttributeCondition, raw: string | undefined): boolean {
  const value = raw === undefined ? undefined : normalize(raw);
  // A missing attribute equals nothing, so `notEquals` holds for it: "department is not Sales".
  if ('notEquals' in condition) return value !== normalize(condition.notEquals);
  if (value === undefined || value === '') return false;
  if ('equals' in condition) return value === normalize(condition.equals);
  if ('in' in condition) return condition.in.some((candidate) => normalize(candidate) === value);
  if ('startsWith' in condition) return value.startsWith(normalize(condition.startsWith));
  return value.includes(normalize(condition.contains));
}

/** Both sides of a comparison ignore case and surrounding spaces, as Entra's scoping filters do. */
function normalize(text: string): string {
  return text.trim().toLowerCase();
}

/** Whether scope, role rules or group mappings read the user's groups: then memberships re-decide users. */
export function policyReadsGroups(policy: Policy): boolean {
  return (
    policy.scope.users !== 'all' ||
    (policy.scope.filter !== null && filterReadsGroups(policy.scope.filter)) ||
    policy.roles.rules.length > 0
  );
}

function filterReadsGroups(filter: ScopeFilter): boolean {
  if ('and' in filter) return filter.and.some(filterReadsGroups);
  if ('or' in filter) return filter.or.some(filterReadsGroups);
  if ('not' in filter) return filterReadsGroups(filter.not);
  return 'memberOf' in filter;
}
