import type { SourceUser } from '../../../domain/source-user.js';
import { isPlainObject } from './canonical-resource.js';

/**
 * Flattens a stored SCIM User into the names an attribute mapping refers to:
 * `userName`, `name.givenName`, `emails.work` (value of the first work email), `emails.primary`,
 * `emails.first`, `addresses.work.locality`, and extension attributes by their qualified name
 * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
 */
export function toSourceUser(resource: Record<string, unknown>): SourceUser {
  const attributes: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase().startsWith('urn:') && isPlainObject(value)) {
      for (const [name, inner] of Object.entries(value)) {
        const text = scalarText(isPlainObject(inner) ? inner.value : inner);
        if (text !== undefined) attributes[`${key}:${name}`] = text;
      }
    } else if (Array.isArray(value)) {
      flattenMultiValued(key, value, attributes);
    } else if (isPlainObject(value)) {
      for (const [name, inner] of Object.entries(value)) {
        const text = scalarText(inner);
        if (text !== undefined) attributes[`${key}.${name}`] = text;
      }
    } else {
      const text = scalarText(value);
      if (text !== undefined) attributes[key] = text;
    }
  }
  const userName = typeof resource.userName === 'string' ? resource.userName : '';
  const externalId =
    typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : null;
  return {
    connectorKind: 'scim',
    objectId: externalId,
    userName,
    active: resource.active !== false,
    attributes,
    roles: roleValues(resource.roles),
  };
}

function flattenMultiValued(
  key: string,
  items: unknown[],
  attributes: Record<string, string | undefined>,
): void {
  for (const item of items) {
    if (!isPlainObject(item)) continue;
    const type = typeof item.type === 'string' ? item.type.toLowerCase() : undefined;
    const targets = [`${key}.first`];
    if (type) targets.push(`${key}.${type}`);
    if (item.primary === true) targets.push(`${key}.primary`);
    for (const target of targets) {
      if ('value' in item) {
        const text = scalarText(item.value);
        if (text !== undefined && attributes[target] === undefined) attributes[target] = text;
      } else {
        for (const [name, inner] of Object.entries(item)) {
          const text = scalarText(inner);
          if (text !== undefined && attributes[`${target}.${name}`] === undefined)
            attributes[`${target}.${name}`] = text;
        }
      }
    }
  }
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** App roles as Entra assigns them: `roles[].value` (falling back to `display`). */
export function roleValues(roles: unknown): string[] {
  if (!Array.isArray(roles)) return [];
  const values = roles
    .map((role): unknown => (isPlainObject(role) ? (role.value ?? role.display ?? role.displayName) : role))
    .filter((value): value is string => typeof value === 'string' && value !== '');
  return [...new Set(values)];
}

/** The lower-cased work, primary or first email, kept in a column for `emails… eq` lookups. */
export function emailKeyOf(resource: Record<string, unknown>): string | null {
  const emails = Array.isArray(resource.emails) ? resource.emails.filter(isPlainObject) : [];
  const pick =
    emails.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    emails.find((e) => e.primary === true) ??
    emails[0];
  return typeof pick?.value === 'string' ? pick.value.toLowerCase() : null;
}
