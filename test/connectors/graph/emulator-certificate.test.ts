import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGraphConnection } from '../../../src/connectors/graph/graph-connections.js';
import { testGraphConnection } from '../../../src/connectors/graph/test-graph-connection.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/** A self-signed certificate and its key in one PEM, as an admin would make it with openssl. */
function makeCertificate(): { pem: string; certificate: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '30',
        '-subj',
        '/CN=roster-test',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const certificate = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    return { pem: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') + certificate, certificate };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const engine of engines) {
  describe(`certificate credentials against the Entra emulator on ${engine}`, () => {
    const { pem, certificate } = makeCertificate();
    let emulator: Emulator;
    let roster: TestRoster;

    before(async () => {
      emulator = await startEmulator({
        port: 0,
        users: 20,
        groups: 2,
        seed: 9,
        clients: [
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000005',
            certificatePem: certificate,
            roles: ['Directory.Read.All'],
          },
        ],
      });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '78'.repeat(32) });
      await createOrganization(roster.runtime.store.db, {
        slug: 'certs',
        name: 'Certs',
        now: new Date().toISOString(),
      });
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('a PEM with key and certificate signs in and syncs; its expiry is tracked', async () => {
      const created = await createGraphConnection(
        roster.runtime,
        'certs',
        {
          tenantId: emulator.tenantId,
          clientId: 'a0f0c0de-0000-4000-8000-000000000005',
          certificatePem: pem,
          loginUrl: emulator.loginUrl,
          graphUrl: emulator.graphUrl,
        },
        { type: 'cli', id: null },
      );
      assert.equal(created.credential, 'certificate');
      assert.match(created.certificateThumbprint ?? '', /^[0-9a-f]{64}$/);
      assert.ok(created.secretExpiresAt !== null && created.secretExpiresAt > new Date().toISOString());
      const report = await testGraphConnection(roster.runtime, created.connectionId);
      assert.equal(report.ok, true, JSON.stringify(report));
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, created.connectionId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.equal(run.counts.usersCreated, 20);
    });

    test('a key that does not match its certificate is refused at connect time', async () => {
      const other = makeCertificate();
      await assert.rejects(
        createGraphConnection(
          roster.runtime,
          'certs',
          {
            tenantId: emulator.tenantId,
            clientId: 'a0f0c0de-0000-4000-8000-000000000005',
            certificatePem: pem.split('-----BEGIN CERTIFICATE-----')[0] + other.certificate,
            loginUrl: emulator.loginUrl,
            graphUrl: emulator.graphUrl,
          },
          { type: 'cli', id: null },
        ),
        { code: 'invalid_input', field: 'certificatePem' },
      );
    });
  });
}
