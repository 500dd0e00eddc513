import { Value, type ValueError } from '@sinclair/typebox/value';
import { RosterError } from '../../errors.js';
import { PolicySchema } from './policy-schema.js';
import { resolvePolicy, type Policy } from './policy.js';

/** Platform fields every organization has; others must be declared in `customFields`. */
export const standardFields = [
  'email',
  'userName',
  'givenName',
  'familyName',
  'displayName',
  'phone',
  'jobTitle',
  'department',
  'employeeId',
] as const;

/**
 * Checks a policy document and returns it resolved over the defaults. The first problem throws
 * `invalid_input` naming the field the way an admin reads it: `scope.filter.and[1].equals`.
 */
export function validatePolicy(json: unknown, connectorKind: 'scim' | 'graph' = 'scim'): Policy {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RosterError('invalid_input', 'A policy must be a JSON object', { field: '(root)' });
  }
  const first = Value.Errors(PolicySchema, json).First();
  if (first !== undefined) {
    const error = deepest(first);
    const field = fieldName(error.path);
    throw new RosterError('invalid_input', `${field}: ${describe(error)}`, { field });
  }
  const policy = resolvePolicy(connectorKind, json as Record<string, unknown>);
  checkMeaning(policy);
  return policy;
}

/** Rules a schema cannot say: fields that must exist, lists that must not be empty. */
function checkMeaning(policy: Policy): void {
  const custom = new Set(policy.customFields);
  policy.customFields.forEach((name, index) => {
    if ((standardFields as readonly string[]).includes(name)) {
      fail(`customFields[${index}]`, `"${name}" is a standard platform field; map it without declaring it`);
    }
  });
  for (const field of Object.keys(policy.attributeMapping)) {
    if (!(standardFields as readonly string[]).includes(field) && !custom.has(field)) {
      fail(
        `attributeMapping.${field}`,
        `"${field}" is not a platform field; declare it in customFields first`,
      );
    }
  }
  if (policy.scope.users === 'groups' && policy.scope.groups.length === 0) {
    fail('scope.groups', 'name at least one directory group when scope.users is "groups"');
  }
  if (policy.scope.users === 'mappedGroups' && policy.groups.mappings.length === 0) {
    fail('groups.mappings', 'add at least one group mapping when scope.users is "mappedGroups"');
  }
}

function fail(field: string, message: string): never {
  throw new RosterError('invalid_input', `${field}: ${message}`, { field });
}

/**
 * A union (a mapping expression, a filter, a group reference) fails as a whole. The variant the
 * admin meant is the one whose member names the value uses, as `{ "attribute", "equals" }` means
 * the `equals` condition; its own error is the helpful one. No such variant: the union's error stands.
 */
function deepest(error: ValueError): ValueError {
  const variants = (error.schema as { anyOf?: { properties?: Record<string, unknown>; anyOf?: unknown }[] })
    .anyOf;
  const value = error.value;
  if (variants === undefined || typeof value !== 'object' || value === null || Array.isArray(value))
    return error;
  const keys = Object.keys(value);
  let best: { score: number; index: number } = { score: 0, index: -1 };
  let tied = false;
  variants.forEach((variant, index) => {
    // A union inside the union (a filter that may also be null) is followed down.
    if (variant.anyOf !== undefined && keys.length > 0 && best.score < keys.length - 0.25) {
      best = { score: keys.length - 0.25, index };
      return;
    }
    const names = Object.keys(variant.properties ?? {});
    // A variant that does not know every member the value uses is not the one meant.
    if (keys.some((key) => !names.includes(key))) return;
    if (keys.length === best.score) tied = true;
    if (keys.length > best.score) {
      best = { score: keys.length, index };
      tied = false;
    }
  });
  // Several variants fit what is there (`{ attribute }` alone): the list of forms says it best.
  if (tied) return error;
  const inner = error.errors[best.index]?.First();
  return inner === undefined ? error : deepest(inner);
}

function describe(error: ValueError): string {
  if (error.message === 'Unexpected property') return 'is not a policy setting';
  if (error.message === 'Expected required property') return 'is required';
  if (error.message === 'Expected union value') {
    return `${JSON.stringify(error.value)} is not one of the accepted forms: ${forms(error)}`;
  }
  return error.message.replace(/^Expected/, 'expected');
}

/** The accepted forms of a union, by their member names or literal values, for the error message. */
function forms(error: ValueError): string {
  const variants =
    (error.schema as { anyOf?: { properties?: Record<string, unknown>; const?: unknown; type?: string }[] })
      .anyOf ?? [];
  return variants
    .map((variant) =>
      variant.const !== undefined
        ? JSON.stringify(variant.const)
        : variant.properties !== undefined
          ? `{ ${Object.keys(variant.properties).join(', ')} }`
          : (variant.type ?? 'a value'),
    )
    .join(' | ');
}

/** JSON pointer `/scope/filter/and/1/equals` → `scope.filter.and[1].equals`. */
function fieldName(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`),
      '',
    );
}
