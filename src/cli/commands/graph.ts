import fs from 'node:fs';
import type { Command } from 'commander';
import { createGraphConnection } from '../../connectors/graph/graph-connections.js';
import { setGraphSchedule } from '../../connectors/graph/graph-schedule.js';
import { rotateGraphCredential } from '../../connectors/graph/rotate-graph-credential.js';
import { searchGraphGroups } from '../../connectors/graph/search-graph-groups.js';
import { testGraphConnection } from '../../connectors/graph/test-graph-connection.js';
import { invalidInput } from '../../errors.js';
import type { Actor } from '../../store/audit.js';
import { printJson, printTable, withRuntime } from '../context.js';

const cliActor: Actor = { type: 'cli', id: null };

interface ConnectOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificateFile?: string;
  secretExpires?: string;
  cloud?: string;
  loginUrl?: string;
  graphUrl?: string;
  interval?: string;
  name?: string;
  json?: boolean;
}

export function registerGraphCommands(program: Command): void {
  const graph = program.command('graph').description('Microsoft Graph connections (Roster pulls from Entra)');
  graph
    .command('connect <org>')
    .description('Connect an Entra tenant through an app registration (client credentials)')
    .requiredOption('--tenant-id <id>', 'Directory (tenant) ID')
    .requiredOption('--client-id <id>', 'Application (client) ID')
    .option('--client-secret <secret>', 'client secret value (or ROSTER_GRAPH_CLIENT_SECRET)')
    .option('--certificate-file <pem>', 'PEM file with the certificate and its private key')
    .option('--secret-expires <date>', 'when the secret expires (YYYY-MM-DD), to be warned ahead')
    .option('--cloud <cloud>', 'global, usgov, dod or china', 'global')
    .option('--login-url <url>', 'override the login host (e.g. http://127.0.0.1:9000 for the emulator)')
    .option('--graph-url <url>', 'override the Graph host')
    .option('--interval <interval>', '15m, 1h, <minutes>m or off', '1h')
    .option('--name <name>', 'connection name')
    .option('--json', 'print JSON')
    .action(async (org: string, options: ConnectOptions, command: Command) => {
      const { clientSecret, certificatePem } = credentialOf(options);
      const created = await withRuntime(command, (runtime) =>
        createGraphConnection(
          runtime,
          org,
          {
            name: options.name,
            tenantId: options.tenantId,
            clientId: options.clientId,
            clientSecret,
            certificatePem,
            secretExpiresAt: options.secretExpires,
            cloud: options.cloud,
            loginUrl: options.loginUrl,
            graphUrl: options.graphUrl,
            interval: options.interval,
          },
          cliActor,
        ),
      );
      if (options.json) printJson(created);
      else
        process.stdout.write(
          `Connection ${created.connectionId}\nNext: roster graph test ${created.connectionId}\n`,
        );
    });

  graph
    .command('test <connectionId>')
    .description('Get a token, check the consented permissions, and say what to fix')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { json?: boolean }, command: Command) => {
      const report = await withRuntime(command, (runtime) => testGraphConnection(runtime, connectionId));
      if (!report.ok) process.exitCode = 3;
      if (options.json) {
        printJson(report);
        return;
      }
      process.stdout.write(
        `${report.ok ? 'OK' : 'NOT READY'}: token ${report.token}; roles: ${report.roles.join(', ') || '(none)'}\n`,
      );
      for (const remedy of report.remedies) process.stdout.write(`- ${remedy}\n`);
    });

  graph
    .command('rotate <connectionId>')
    .description('Replace the client secret or certificate (before the old one expires)')
    .option('--client-secret <secret>', 'the new client secret value (or ROSTER_GRAPH_CLIENT_SECRET)')
    .option('--certificate-file <pem>', 'PEM file with the new certificate and its private key')
    .option('--secret-expires <date>', 'when the new secret expires (YYYY-MM-DD)')
    .option('--json', 'print JSON')
    .action(
      async (
        connectionId: string,
        options: { clientSecret?: string; certificateFile?: string; secretExpires?: string; json?: boolean },
        command: Command,
      ) => {
        const { clientSecret, certificatePem } = credentialOf(options);
        const updated = await withRuntime(command, (runtime) =>
          rotateGraphCredential(
            runtime,
            connectionId,
            { clientSecret, certificatePem, secretExpiresAt: options.secretExpires },
            cliActor,
          ),
        );
        if (options.json) printJson(updated);
        else
          process.stdout.write(
            `Credential of ${connectionId} replaced; expires ${updated.secretExpiresAt ?? '(not given)'}\n`,
          );
      },
    );

  graph
    .command('schedule <connectionId> <interval>')
    .description('Change how often the connection syncs on its own: 15m, 1h, <minutes>m, <hours>h or off')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, interval: string, options: { json?: boolean }, command: Command) => {
      const updated = await withRuntime(command, (runtime) =>
        setGraphSchedule(runtime, connectionId, interval, cliActor),
      );
      if (options.json) printJson(updated);
      else process.stdout.write(`${connectionId} now syncs ${describeInterval(updated.interval)}\n`);
    });

  graph
    .command('groups <connectionId>')
    .description('Find directory groups by name, for picking and mapping')
    .requiredOption('--search <text>', 'the start of a word of the group name')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { search: string; json?: boolean }, command: Command) => {
      const groups = await withRuntime(command, (runtime) =>
        searchGraphGroups(runtime, connectionId, options.search),
      );
      if (options.json) printJson(groups);
      else
        printTable(
          groups.map((group) => ({ ...group })),
          ['displayName', 'id', 'description'],
        );
    });
}

/**
 * The one credential the flags give. Both flags at once are refused, as neither is: keeping one
 * would drop the other without a word. ROSTER_GRAPH_CLIENT_SECRET is only a fallback for
 * --client-secret, so a certificate file given beside it wins.
 */
function credentialOf(options: { clientSecret?: string; certificateFile?: string }): {
  clientSecret: string | undefined;
  certificatePem: string | undefined;
} {
  if (options.clientSecret !== undefined && options.certificateFile !== undefined) {
    throw invalidInput('Give exactly one credential: a client secret or a certificate file', 'clientSecret');
  }
  if (options.certificateFile !== undefined)
    return { clientSecret: undefined, certificatePem: readPem(options.certificateFile) };
  return {
    clientSecret: options.clientSecret ?? process.env.ROSTER_GRAPH_CLIENT_SECRET,
    certificatePem: undefined,
  };
}

function readPem(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw invalidInput(
      `The certificate file could not be read: ${(cause as Error).message}`,
      'certificateFile',
    );
  }
}

function describeInterval(interval: string): string {
  return interval === 'off' ? 'only when asked (schedule off)' : `every ${interval}`;
}
