/**
 * Attribute mapping: each platform field is computed from source attributes by a small
 * expression. Pure: no I/O, no clock.
 */
export type MappingExpression =
  | string
  | { source: string }
  | { firstOf: MappingExpression[] }
  | { lower: MappingExpression }
  | { join: MappingExpression[]; separator?: string }
  | { constant: string };

export type AttributeMapping = Readonly<Record<string, MappingExpression>>;

export function evaluateMapping(
  expression: MappingExpression,
  attributes: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (typeof expression === 'string') return nonEmpty(attributes[expression]);
  if ('source' in expression) return nonEmpty(attributes[expression.source]);
  if ('constant' in expression) return expression.constant;
  if ('lower' in expression) return evaluateMapping(expression.lower, attributes)?.toLowerCase();
  if ('firstOf' in expression) {
    for (const candidate of expression.firstOf) {
      const value = evaluateMapping(candidate, attributes);
      if (value !== undefined) return value;
    }
    return undefined;
  }
  const parts = expression.join
    .map((part) => evaluateMapping(part, attributes))
    .filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : parts.join(expression.separator ?? ' ');
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Sensible defaults per connector, following each protocol's usual attribute names. */
export const defaultMappings: Readonly<Record<'scim' | 'graph', AttributeMapping>> = {
  scim: {
    email: { firstOf: ['emails.work', 'emails.primary', 'emails.first'] },
    userName: 'userName',
    givenName: 'name.givenName',
    familyName: 'name.familyName',
    displayName: { firstOf: ['displayName', { join: ['name.givenName', 'name.familyName'] }] },
    phone: { firstOf: ['phoneNumbers.work', 'phoneNumbers.mobile', 'phoneNumbers.first'] },
    jobTitle: 'title',
    department: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
    employeeId: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
  },
  graph: {
    // Users without a mailbox have no `mail`; their sign-in name is the usual fallback.
    email: { firstOf: ['mail', 'userPrincipalName'] },
    userName: 'userPrincipalName',
    givenName: 'givenName',
    familyName: 'surname',
    displayName: { firstOf: ['displayName', { join: ['givenName', 'surname'] }] },
    phone: { firstOf: ['mobilePhone', 'businessPhones.first'] },
    jobTitle: 'jobTitle',
    department: 'department',
    employeeId: 'employeeId',
  },
};
