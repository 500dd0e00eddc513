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

const patternShape = /^[a-z][a-z_]*(?:\.[a-z_*][a-z_]*)?$/;

/** Why a filter pattern is refused, or undefined when it is fine. */
export function checkEventTypePattern(pattern: string): string | undefined {
  if (!patternShape.test(pattern)) return `"${pattern}" is not an event type or a "prefix.*" pattern`;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return eventTypes.some((type) => type.startsWith(prefix))
      ? undefined
      : `no event type matches "${pattern}"`;
  }
  // Exact names outside the list are allowed only in known families, for types added later.
  const family = `${pattern.split('.')[0] ?? ''}.`;
  return eventTypes.some((type) => type === pattern || type.startsWith(family))
    ? undefined
    : `"${pattern}" is not a known event type`;
}

/** Whether an event type passes a filter; an empty filter passes everything. */
export function matchesEventTypes(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) =>
    pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type,
  );
}
