/**
 * The event types Roster appends to an organization's log. Webhook filters and the Events API
 * accept these names or a `prefix.*` pattern (`user.*`); an unknown exact name is refused so a
 * typo in a filter does not silently match nothing.
 */
export const eventTypes = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  'credential.issued',
  'credential.revoked',
  'sync.started',
  'sync.completed',
  'sync.failed',
  'connection.secret_expiring',
  'webhook.disabled',
] as const;

export type EventType = (typeof eventTypes)[number];

const knownTypes = `known types (GET /api/v1/event-types): ${eventTypes.join(', ')}; or a "prefix.*" pattern such as user.*`;

const patternShape = /^[a-z][a-z_]*(?:\.[a-z_*][a-z_]*)?$/;

/** Why a filter pattern is refused, or undefined when it is fine. */
export function checkEventTypePattern(pattern: string): string | undefined {
  if (!patternShape.test(pattern)) return `"${pattern}" is not an event type or a "prefix.*" pattern`;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return eventTypes.some((type) => type.startsWith(prefix))
      ? undefined
      : `no event type matches "${pattern}"; ${knownTypes}`;
  }
  // A filter naming a type Roster never writes would match nothing, silently: a typo
  // ("user.creatd") must be told, not stored. Types added later are added to the list above.
  return (eventTypes as readonly string[]).includes(pattern)
    ? undefined
    : `"${pattern}" is not a known event type; ${knownTypes}`;
}

/** Whether an event type passes a filter; an empty filter passes everything. */
export function matchesEventTypes(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) =>
    pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type,
  );
}
