import type { Runtime } from '../../runtime.js';
import { isoNow } from '../../clock.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { createConnection, getConnection } from '../../store/connections.js';
import { getOrganization } from '../../store/organizations.js';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
  type ScimTokenInfo,
} from '../../store/scim-tokens.js';
import { RosterError } from '../../errors.js';

/**
 * SCIM connections as admins manage them (CLI and REST API alike): create one with its first
 * token, rotate and revoke tokens. Tokens are shown once, here, and stored only as hashes.
 */
export interface ScimConnectionCreated {
  connectionId: string;
  tenantUrl: string;
  token: string;
  tokenId: string;
}

/**
 * The Tenant URL customers paste into Entra. `aadOptscim062020` switches Entra to its
 * RFC-compliant PATCH shapes; we accept the old shapes too (shared/reference/entra.md).
 */
export function tenantUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl}/scim/v2/${connectionId}?aadOptscim062020`;
}

export async function createScimConnection(
  runtime: Runtime,
  organizationRef: string,
  actor: Actor,
  name = 'Microsoft Entra ID provisioning',
): Promise<ScimConnectionCreated> {
  const now = isoNow(runtime.clock);
  return runtime.store.transaction(async (trx) => {
    const organization = await getOrganization(trx, organizationRef);
    const connection = await createConnection(trx, {
      organizationId: organization.id,
      kind: 'scim',
      name,
      now,
    });
    const token = await createScimToken(trx, {
      organizationId: organization.id,
      connectionId: connection.id,
      now,
    });
    await appendAudit(
      trx,
      organization.id,
      actor,
      [
        {
          action: 'connection.created',
          targetType: 'connection',
          targetId: connection.id,
          connectionId: connection.id,
          after: { kind: 'scim', name },
        },
        {
          action: 'scim_token.created',
          targetType: 'scim_token',
          targetId: token.id,
          connectionId: connection.id,
          after: { hint: token.hint },
        },
      ],
      now,
    );
    return {
      connectionId: connection.id,
      tenantUrl: tenantUrl(runtime.config.publicUrl, connection.id),
      token: token.token,
      tokenId: token.id,
    };
  });
}

async function getScimConnection(runtime: Runtime, connectionId: string, organizationId?: string) {
  const connection = await getConnection(runtime.store.db, connectionId, organizationId);
  if (connection.kind !== 'scim')
    throw new RosterError('invalid_input', `Connection "${connectionId}" is not a SCIM connection`);
  return connection;
}

export async function rotateScimToken(
  runtime: Runtime,
  connectionId: string,
  actor: Actor,
  organizationId?: string,
): Promise<ScimTokenInfo & { token: string }> {
  const connection = await getScimConnection(runtime, connectionId, organizationId);
  const now = isoNow(runtime.clock);
  return runtime.store.transaction(async (trx) => {
    const token = await createScimToken(trx, {
      organizationId: connection.organizationId,
      connectionId,
      now,
    });
    await appendAudit(
      trx,
      connection.organizationId,
      actor,
      [
        {
          action: 'scim_token.created',
          targetType: 'scim_token',
          targetId: token.id,
          connectionId,
          after: { hint: token.hint },
        },
      ],
      now,
    );
    return token;
  });
}

export async function revokeToken(
  runtime: Runtime,
  connectionId: string,
  tokenId: string,
  actor: Actor,
  organizationId?: string,
): Promise<void> {
  const connection = await getScimConnection(runtime, connectionId, organizationId);
  const now = isoNow(runtime.clock);
  await runtime.store.transaction(async (trx) => {
    await revokeScimToken(trx, connectionId, tokenId, now);
    await appendAudit(
      trx,
      connection.organizationId,
      actor,
      [{ action: 'scim_token.revoked', targetType: 'scim_token', targetId: tokenId, connectionId }],
      now,
    );
  });
}

export async function listTokens(
  runtime: Runtime,
  connectionId: string,
  organizationId?: string,
): Promise<ScimTokenInfo[]> {
  await getScimConnection(runtime, connectionId, organizationId);
  return listScimTokens(runtime.store.db, connectionId);
}
