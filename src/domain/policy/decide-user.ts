import type { PlatformUserFields, SourceUser, UserStatus } from '../source-user.js';
import { defaultMappings, evaluateMapping } from './attribute-mapping.js';
import type { Policy } from './policy.js';

/**
 * Decides what a directory user becomes on the platform. Pure: the sync engine loads the state,
 * calls this, and writes the outcome.
 */
export type UserDecision =
  | { action: 'upsert'; fields: PlatformUserFields; status: UserStatus }
  | { action: 'reject'; field: string; message: string };

/** The platform fields a user cannot exist without, and the source attribute to blame. */
const requiredFields = [
  { field: 'givenName', scim: 'name.givenName', graph: 'givenName' },
  { field: 'familyName', scim: 'name.familyName', graph: 'surname' },
  { field: 'email', scim: 'emails', graph: 'mail' },
] as const;

const namedFields = new Set(['email', 'userName', 'givenName', 'familyName', 'displayName']);

export function decideUser(policy: Policy, source: SourceUser): UserDecision {
  const mapping = { ...defaultMappings[source.connectorKind], ...policy.attributeMapping };
  const values: Record<string, string> = {};
  for (const [field, expression] of Object.entries(mapping)) {
    const value = evaluateMapping(expression, source.attributes);
    if (value !== undefined) values[field] = value;
  }
  for (const required of requiredFields) {
    if (values[required.field] === undefined) {
      const attribute = required[source.connectorKind];
      return {
        action: 'reject',
        field: attribute,
        message: `${attribute} is required: a user needs a given name, a family name and an email`,
      };
    }
  }
  const email = values.email ?? '';
  if (!isEmail(email)) {
    return {
      action: 'reject',
      field: requiredFields[2][source.connectorKind],
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
      roles: [...source.roles],
    },
  };
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}
