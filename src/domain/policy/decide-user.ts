import type { PlatformUserFields, SourceUser, UserStatus } from '../source-user.js';
import { defaultMappings, evaluateMapping } from './attribute-mapping.js';
import { evaluateScope } from './evaluate-scope.js';
import type { DirectoryGroupFacts, Policy } from './policy.js';
import { decideRoles } from './roles.js';

/**
 * Decides what a directory user becomes on the platform. Pure: the sync engine loads the state
 * (the user's directory groups), calls this, and writes the outcome.
 *
 * - `exclude`: out of scope; the platform does not get (or no longer keeps) this user.
 * - `reject`: in scope but unusable (a required field missing); skipped with a per-user error.
 * - `upsert`: the platform fields, roles and status.
 */
export type UserDecision =
  | { action: 'upsert'; fields: PlatformUserFields; status: UserStatus }
  | { action: 'exclude'; reason: string }
  | { action: 'reject'; field: string; message: string };

/** The platform fields a user cannot exist without, and the source attribute to blame. */
const requiredFields = [
  { field: 'givenName', scim: 'name.givenName', graph: 'givenName' },
  { field: 'familyName', scim: 'name.familyName', graph: 'surname' },
  { field: 'email', scim: 'emails', graph: 'mail' },
] as const;

const maxEmailLength = 320;
const namedFields = new Set(['email', 'userName', 'givenName', 'familyName', 'displayName']);

export function decideUser(
  policy: Policy,
  source: SourceUser,
  groups: readonly DirectoryGroupFacts[] = [],
): UserDecision {
  const mapping = { ...defaultMappings[source.connectorKind], ...policy.attributeMapping };
  const values: Record<string, string> = {};
  for (const [field, expression] of Object.entries(mapping)) {
    const value = evaluateMapping(expression, source.attributes);
    if (value !== undefined) values[field] = value;
  }
  // Filters read source attributes, and platform fields where the source has no attribute of that
  // name: `department` then works over SCIM too, where the source calls it by its extension URN.
  const scope = evaluateScope(policy, { attributes: { ...values, ...source.attributes }, groups });
  if (!scope.inScope) return { action: 'exclude', reason: scope.reason };

  for (const required of requiredFields) {
    if (values[required.field] === undefined) {
      const attribute = sourceFieldOf(policy, source, required);
      return {
        action: 'reject',
        field: attribute,
        message: `${attribute} is required: a user needs a given name, a family name and an email`,
      };
    }
  }
  const email = values.email ?? '';
  // RFC 5321's longest address, as the REST API and SCIM allow; a longer value would also pass
  // PostgreSQL's limit on an index entry (users_email), whatever attribute the policy maps.
  if ([...email].length > maxEmailLength) {
    return {
      action: 'reject',
      field: sourceFieldOf(policy, source, requiredFields[2]),
      message: `The email must be at most ${maxEmailLength} characters; this one has ${[...email].length}`,
    };
  }
  if (!isEmail(email)) {
    return {
      action: 'reject',
      field: sourceFieldOf(policy, source, requiredFields[2]),
      message: `"${email}" is not an email address`,
    };
  }
  const attributes: Record<string, string> = {};
  for (const [field, value] of Object.entries(values)) if (!namedFields.has(field)) attributes[field] = value;
  return {
    action: 'upsert',
    status: source.active ? 'active' : 'inactive',
    fields: {
      email,
      userName: values.userName ?? source.userName,
      givenName: values.givenName ?? '',
      familyName: values.familyName ?? '',
      displayName: values.displayName ?? null,
      attributes,
      roles: decideRoles(policy, source.roles, groups),
    },
  };
}

/**
 * The attribute an error names: the source attribute of the connector's default mapping, or, when
 * the organization mapped the field itself, the mapping entry (`attributeMapping.email`).
 */
function sourceFieldOf(
  policy: Policy,
  source: SourceUser,
  required: (typeof requiredFields)[number],
): string {
  if (policy.attributeMapping[required.field] !== undefined) return `attributeMapping.${required.field}`;
  return required[source.connectorKind];
}

export function emailFieldOf(policy: Policy, connectorKind: 'scim' | 'graph'): string {
  if (policy.attributeMapping.email !== undefined) return 'attributeMapping.email';
  return requiredFields[2][connectorKind];
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}
