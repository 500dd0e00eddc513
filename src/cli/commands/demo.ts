import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, parsePort } from '../../config.js';
import { startScheduler } from '../../jobs/index.js';
import { createLogger } from '../../logger.js';
import { openRuntime } from '../../runtime.js';
import { createSignInLink } from '../../sso/sign-in-links.js';
import { startDemoEmulator, setUpDemoOrganization } from './demo-tenant.js';
import { emulatorMaximums, wholeOption } from './emulator.js';

/**
 * `roster demo`: Roster on SQLite beside an emulated Entra tenant, an organization connected both
 * ways and synced once, and a one-time link into the portal, so a newcomer sees synced users in
 * under a minute without a Microsoft account. Serves until interrupted, then removes what it made
 * (unless `--data` named a folder to keep).
 */
interface DemoOptions {
  port: string;
  emulatorPort: string;
  users: string;
  groups: string;
  seed: string;
  json?: boolean;
}

const demoLinkLifetimeMs = 60 * 60 * 1000;

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run Roster with an emulated Entra tenant, synced, and print a sign-in link to the portal')
    .option(
      '--port <port>',
      'port for Roster (0: any free port; default PORT or 8080)',
      process.env.PORT ?? '8080',
    )
    .option('--emulator-port <port>', 'port for the Entra emulator (0: any free port)', '0')
    .option('--users <n>', 'users in the emulated tenant', '250')
    .option('--groups <n>', 'groups in the emulated tenant', '12')
    .option('--seed <n>', 'seed of the generated tenant', '1')
    .option('--json', 'print one JSON line with the URLs, then serve')
    .action(async (options: DemoOptions, command: Command) => {
      const globals = command.optsWithGlobals<{ data?: string }>();
      // An empty --data is no folder, as an empty ROSTER_DATA_DIR is none: it would keep the demo
      // in the current folder.
      const keep = globals.data !== undefined && globals.data !== '';
      // The port comes from PORT unless --port was typed; the message names the one that was.
      const portSetting = command.getOptionValueSource('port') === 'cli' ? '--port' : 'PORT';
      const requestedPort = parsePort(portSetting, options.port);
      // Checked before anything is started, so a typo leaves nothing behind to clean up.
      const tenant = {
        emulatorPort: wholeOption('--emulator-port', options.emulatorPort, emulatorMaximums.port),
        users: wholeOption('--users', options.users, emulatorMaximums.users),
        groups: wholeOption('--groups', options.groups, emulatorMaximums.groups),
        seed: wholeOption('--seed', options.seed, emulatorMaximums.seed),
      };
      const port = requestedPort === 0 ? await freePort() : requestedPort;
      const publicUrl = `http://127.0.0.1:${port}`;
      // Undone in reverse when the demo stops, and as far as it got when it fails to start: a demo
      // that cannot start leaves no emulator running and no temporary folder behind.
      const undo: (() => Promise<void> | void)[] = [];
      const cleanup = async () => {
        for (let step = undo.pop(); step !== undefined; step = undo.pop()) await step();
      };
      const dataDir = keep
        ? path.resolve(globals.data ?? '')
        : fs.mkdtempSync(path.join(os.tmpdir(), 'roster-demo-'));
      if (!keep) undo.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      try {
        // The demo always runs on its own SQLite file: a DATABASE_URL in the shell must not be touched.
        const config = loadConfig(
          {
            ...process.env,
            DATABASE_URL: '',
            ROSTER_PUBLIC_URL: publicUrl,
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
            // Microsoft's side is the emulator on loopback; the portal's connect forms may name it.
            ROSTER_ALLOW_HOST_OVERRIDES: process.env.ROSTER_ALLOW_HOST_OVERRIDES ?? 'on',
          },
          { port, dataDir },
        );
        const started = await startDemoEmulator({ publicUrl, ...tenant });
        undo.push(() => started.emulator.close());
        const runtime = await openRuntime(config, {
          logger: createLogger(config.logLevel, process.stderr),
          server: true,
        });
        undo.push(() => runtime.close());
        // Loaded here, not at the top: the server's modules (Fastify, OpenAPI, the portal) take a
        // third of a second, which every other command would pay on start.
        const { buildServer } = await import('../../server.js');
        const app = await buildServer(runtime);
        undo.push(() => app.close());
        await app.listen({ port, host: '127.0.0.1' });
        const demo = await setUpDemoOrganization(runtime, started);
        const scheduler = startScheduler(runtime);
        undo.push(() => scheduler.stop());
        const link = await createSignInLink(runtime.store.db, {
          publicUrl,
          organizationId: demo.organization.id,
          now: runtime.clock.now(),
          lifetimeMs: demoLinkLifetimeMs,
        });
        const summary = {
          portalUrl: publicUrl,
          signInUrl: link.url,
          organization: demo.organization.slug,
          ssoSignIn: `${publicUrl}/sign-in?org=${demo.organization.slug}`,
          ssoUser: demo.adminEmail,
          emulatorUrl: started.emulator.url,
          graphConnectionId: demo.graphConnectionId,
          scimConnectionId: demo.scim.connectionId,
          scimTenantUrl: demo.scim.tenantUrl,
          scimToken: demo.scim.token,
          firstSync: { status: demo.firstRun.status, ...demo.firstRun.counts },
          dataDir,
        };
        if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else printWelcome(summary);
      } catch (error) {
        await cleanup();
        throw error;
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await cleanup();
    });
}

function printWelcome(s: {
  portalUrl: string;
  signInUrl: string;
  ssoUser: string;
  ssoSignIn: string;
  firstSync: Record<string, unknown>;
  scimTenantUrl: string;
  dataDir: string;
}): void {
  const created = typeof s.firstSync.usersCreated === 'number' ? s.firstSync.usersCreated : 0;
  process.stdout.write(
    [
      '',
      `Roster demo is running at ${s.portalUrl}`,
      `First sync from the emulated Entra tenant: ${String(s.firstSync.status)}, ${created} users created.`,
      '',
      'Open the portal (one-time link, valid for an hour):',
      `  ${s.signInUrl}`,
      '',
      `Or sign in with Microsoft (emulated) at ${s.ssoSignIn} and pick ${s.ssoUser}.`,
      `SCIM Tenant URL for Entra provisioning: ${s.scimTenantUrl}`,
      `Data: ${s.dataDir}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
