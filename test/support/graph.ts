import assert from 'node:assert/strict';
import {
  createGraphConnection,
  type GraphConnectionInput,
} from '../../src/connectors/graph/graph-connections.js';
import type { Emulator } from '../../src/emulator/index.js';
import { createOrganization } from '../../src/store/organizations.js';
import type { TestRoster } from './roster.js';

/**
 * An organization with a Graph connection to the emulator's first app registration (secret,
 * hosts on loopback), as `roster org create` and `roster graph connect` would make them.
 */
export async function connectToEmulator(
  roster: TestRoster,
  emulator: Emulator,
  slug: string,
  extra: Partial<GraphConnectionInput> = {},
): Promise<{ organizationId: string; connectionId: string }> {
  const now = new Date().toISOString();
  const organizationId = (await createOrganization(roster.runtime.store.db, { slug, name: slug, now })).id;
  const client = emulator.clients[0];
  assert.ok(client?.clientSecret);
  const { connectionId } = await createGraphConnection(
    roster.runtime,
    slug,
    {
      tenantId: emulator.tenantId,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      loginUrl: emulator.loginUrl,
      graphUrl: emulator.graphUrl,
      ...extra,
    },
    { type: 'cli', id: null },
  );
  return { organizationId, connectionId };
}
