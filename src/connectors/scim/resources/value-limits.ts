/**
 * The longest values Roster stores for the SCIM attributes that land in indexed columns:
 * `userName` (directory_users.user_name_key), `externalId` (directory_users, directory_groups and
 * users.external_id), the `emails` values (directory_users.email_key, users.email_key) and a
 * group's `displayName` (directory_groups.display_name_key, groups.display_name).
 *
 * PostgreSQL refuses a btree index entry above 2,704 bytes, so a value of a few KB was a 500 there,
 * while SQLite stored it and Entra's own `userName eq "…"` filter could then never find it again
 * (it exceeds the filter's length limit). The limits hold the same on both engines, and at 4 bytes
 * per character, with the index's other columns, they stay under PostgreSQL's limit. Every real
 * Entra value fits with room to spare: a userPrincipalName has at most 113 characters, a group's
 * displayName 256; an email address 320 (RFC 5321 §4.5.3.1: 64 + "@" + 255), as the REST API allows.
 */
import { invalidInput } from '../../../errors.js';
import { isPlainObject } from './canonical-resource.js';

export const SCIM_VALUE_LIMITS = Object.freeze({
  userName: 512,
  externalId: 512,
  emailValue: 320,
  groupDisplayName: 512,
});

/**
 * Refuses a User whose indexed values are longer than Roster stores; nothing is written. Only
 * values the request sets are checked (`previous`: the resource before a PUT or PATCH): a value
 * stored before the limits existed must not make every later PATCH of another attribute fail.
 */
export function assertUserValueLimits(
  resource: Record<string, unknown>,
  previous?: Record<string, unknown>,
): void {
  const changed = setsNew(resource, previous);
  if (changed('userName')) assertAtMost('userName', resource.userName, SCIM_VALUE_LIMITS.userName);
  if (changed('externalId')) assertAtMost('externalId', resource.externalId, SCIM_VALUE_LIMITS.externalId);
  const before = new Set(emailValues(previous));
  // Every value, not only the one kept as the email key: a PATCH of `primary` or `type` may make
  // any of them the key, and the platform user's email is mapped from any of them.
  for (const value of emailValues(resource)) {
    if (!before.has(value)) assertAtMost('emails.value', value, SCIM_VALUE_LIMITS.emailValue);
  }
}

/** Refuses a Group whose indexed values are longer than Roster stores; as for users, only values set now. */
export function assertGroupValueLimits(
  resource: Record<string, unknown>,
  previous?: Record<string, unknown>,
): void {
  const changed = setsNew(resource, previous);
  if (changed('displayName'))
    assertAtMost('displayName', resource.displayName, SCIM_VALUE_LIMITS.groupDisplayName);
  if (changed('externalId')) assertAtMost('externalId', resource.externalId, SCIM_VALUE_LIMITS.externalId);
}

/** Whether the resource sets an attribute to something other than it held before (always, on a create). */
function setsNew(resource: Record<string, unknown>, previous: Record<string, unknown> | undefined) {
  return (name: string) => previous === undefined || resource[name] !== previous[name];
}

function emailValues(resource: Record<string, unknown> | undefined): unknown[] {
  const emails = Array.isArray(resource?.emails) ? resource.emails : [];
  return emails.filter(isPlainObject).map((email) => email.value);
}

/** Counts characters (code points), not UTF-16 units: an emoji is one character, as users count. */
function assertAtMost(attribute: string, value: unknown, limit: number): void {
  if (typeof value !== 'string' || value.length <= limit) return;
  const characters = [...value].length;
  if (characters > limit) {
    throw invalidInput(
      `${attribute} must be at most ${limit} characters; this one has ${characters}`,
      attribute,
    );
  }
}
