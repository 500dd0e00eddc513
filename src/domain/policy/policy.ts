import type { AttributeMapping } from './attribute-mapping.js';

/**
 * A connection's provisioning policy as stored (JSON on the connection) and as policy code reads it,
 * with every default filled in.
 */
export interface Policy {
  /** Platform field → expression. Fields left out use the connector's default mapping. */
  readonly attributeMapping: AttributeMapping;
  readonly lifecycle: {
    /** What a user removed from the directory becomes. */
    readonly onDelete: 'delete' | 'deactivate';
    /** Take users out of a platform group when they leave the directory group. */
    readonly autoRemoveFromGroups: boolean;
  };
  readonly groups: {
    /** Directory groups without a mapping become platform groups (`mirror`) or are ignored. */
    readonly unmapped: 'mirror' | 'ignore';
  };
}

export function defaultPolicy(connectorKind: 'scim' | 'graph'): Policy {
  return {
    attributeMapping: {},
    lifecycle: { onDelete: connectorKind === 'scim' ? 'delete' : 'deactivate', autoRemoveFromGroups: true },
    groups: { unmapped: 'mirror' },
  };
}

/** Reads a stored policy over the defaults; validation with field-naming errors lives at the API edge. */
export function resolvePolicy(connectorKind: 'scim' | 'graph', stored: Record<string, unknown>): Policy {
  const base = defaultPolicy(connectorKind);
  const lifecycle = (stored.lifecycle ?? {}) as Partial<Policy['lifecycle']>;
  const groups = (stored.groups ?? {}) as Partial<Policy['groups']>;
  return {
    attributeMapping: (stored.attributeMapping ?? {}) as AttributeMapping,
    lifecycle: { ...base.lifecycle, ...lifecycle },
    groups: { ...base.groups, ...groups },
  };
}
