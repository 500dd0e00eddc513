import { isoNow } from '../clock.js';
import { policyJsonSchema } from '../domain/policy/policy-schema.js';
import { resolvePolicy, type Policy } from '../domain/policy/policy.js';
import { validatePolicy } from '../domain/policy/validate-policy.js';
import { RosterError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { Executor } from '../store/database.js';
import { findGroup } from '../store/groups.js';
import { appendAudit, type Actor } from '../store/audit.js';
import {
  getConnection,
  isPolicyPending,
  updateConnectionPolicy,
  type ConnectionKind,
} from '../store/connections.js';
import { getOrganizationSettings, setSeatLimit } from '../store/organization-settings.js';
import type { Outcome } from './outcome.js';
import { reconcileConnection } from './reconcile-connection.js';

/**
 * Reading and setting a connection's policy: the service behind `roster policy get|set` and the
 * REST API. The stored document is kept as the admin wrote it (defaults may improve later); the
 * effective policy is that document over today's defaults. Every set is audited with before and after.
 */
export interface PolicyDocument {
  connectionId: string;
  organizationId: string;
  kind: ConnectionKind;
  /** The document as set (members left out take defaults). */
  policy: Record<string, unknown>;
  /** What the engine applies: the document over the defaults. */
  effective: Policy;
  /** Set since the last reconcile: what was synced before does not reflect it yet. */
  pending: boolean;
}

export async function getPolicy(
  runtime: Runtime,
  connectionId: string,
  options: { organizationId?: string } = {},
): Promise<PolicyDocument> {
  const connection = await getConnection(runtime.store.db, connectionId, options.organizationId);
  return {
    connectionId: connection.id,
    organizationId: connection.organizationId,
    kind: connection.kind,
    policy: connection.policy,
    effective: resolvePolicy(connection.kind, connection.policy),
    pending: await isPolicyPending(runtime.store.db, connection.id),
  };
}

/**
 * Validates and stores a policy. Invalid input throws `invalid_input` naming the field
 * (`scope.filter.and[0].equals`) and changes nothing. The new policy applies to the changes that
 * arrive from now on; `reconcileConnection` applies it to the users already synced, and so does the
 * next Graph sync.
 */
export async function setPolicy(
  runtime: Runtime,
  connectionId: string,
  json: unknown,
  actor: Actor,
  options: { organizationId?: string } = {},
): Promise<PolicyDocument> {
  const now = isoNow(runtime.clock);
  return runtime.store.transaction(async (trx) => {
    const connection = await getConnection(trx, connectionId, options.organizationId);
    const effective = validatePolicy(json, connection.kind);
    await checkMappedGroupsExist(trx, connection.organizationId, effective);
    const policy = json as Record<string, unknown>;
    await updateConnectionPolicy(trx, connection.organizationId, connection.id, policy, now);
    await appendAudit(
      trx,
      connection.organizationId,
      actor,
      [
        {
          action: 'connection.policy_set',
          targetType: 'connection',
          targetId: connection.id,
          connectionId: connection.id,
          before: connection.policy,
          after: policy,
        },
      ],
      now,
    );
    return {
      connectionId: connection.id,
      organizationId: connection.organizationId,
      kind: connection.kind,
      policy,
      effective,
      pending: true,
    };
  });
}

/** A mapping to an existing platform group must name one of this organization's groups. */
async function checkMappedGroupsExist(db: Executor, organizationId: string, policy: Policy): Promise<void> {
  for (const [index, mapping] of policy.groups.mappings.entries()) {
    if (!('id' in mapping.platformGroup)) continue;
    if (await findGroup(db, organizationId, mapping.platformGroup.id)) continue;
    const field = `groups.mappings[${index}].platformGroup.id`;
    throw new RosterError(
      'invalid_input',
      `${field}: platform group "${mapping.platformGroup.id}" does not exist in this organization`,
      { field },
    );
  }
}

/**
 * What a candidate policy would change on the users and groups already synced, without storing
 * it or changing anything: validation first (errors name the field), then a rolled-back reconcile.
 */
export async function previewPolicy(
  runtime: Runtime,
  connectionId: string,
  json: unknown,
  options: { organizationId?: string } = {},
): Promise<Outcome> {
  const connection = await getConnection(runtime.store.db, connectionId, options.organizationId);
  const policy = validatePolicy(json, connection.kind);
  await checkMappedGroupsExist(runtime.store.db, connection.organizationId, policy);
  return reconcileConnection(runtime, connectionId, { ...options, policy, dryRun: true });
}

/** Sets (or with null removes) the organization's seat limit; audited. */
export async function setOrganizationSeatLimit(
  runtime: Runtime,
  organizationId: string,
  seatLimit: number | null,
  actor: Actor,
): Promise<{ seatLimit: number | null }> {
  const now = isoNow(runtime.clock);
  return runtime.store.transaction(async (trx) => {
    const before = (await getOrganizationSettings(trx, organizationId)).seatLimit ?? null;
    const after = (await setSeatLimit(trx, organizationId, seatLimit, now)).seatLimit ?? null;
    await appendAudit(
      trx,
      organizationId,
      actor,
      [
        {
          action: 'organization.seat_limit_set',
          targetType: 'organization',
          targetId: organizationId,
          before,
          after,
        },
      ],
      now,
    );
    return { seatLimit: after };
  });
}

export { policyJsonSchema, reconcileConnection, validatePolicy };
