import type { Command } from 'commander';
import { startEmulator } from '../../emulator/index.js';
import { invalidInput } from '../../errors.js';

interface EmulatorOptions {
  port: string;
  users: string;
  groups: string;
  seed: string;
  json?: boolean;
}

/**
 * `roster emulator`: plays a Microsoft tenant on loopback until stopped, and prints what
 * `roster graph connect` needs. With --json the settings are one line, for scripts to read.
 */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the Entra emulator (token endpoint and Graph v1.0) on loopback until stopped')
    .option('--port <port>', 'port on 127.0.0.1 (0 for any free port)', '9000')
    .option('--users <n>', 'users in the generated tenant', '1000')
    .option('--groups <n>', 'groups in the generated tenant', '50')
    .option('--seed <n>', 'seed of the deterministic tenant', '1')
    .option('--json', 'print the settings as one JSON line')
    .action(async (options: EmulatorOptions) => {
      const emulator = await startEmulator({
        port: whole(options.port, 'port'),
        users: whole(options.users, 'users'),
        groups: whole(options.groups, 'groups'),
        seed: whole(options.seed, 'seed'),
      });
      const client = emulator.clients[0];
      const settings = {
        url: emulator.url,
        loginUrl: emulator.loginUrl,
        graphUrl: emulator.graphUrl,
        tenantId: emulator.tenantId,
        clientId: client?.clientId ?? null,
        // The emulator's made-up app secret is printed on purpose: it protects nothing real.
        clientSecret: client?.clientSecret ?? null,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(settings)}\n`);
      } else {
        process.stdout.write(
          `Entra emulator on ${settings.url} (tenant ${settings.tenantId})\n` +
            `  roster graph connect <org> --tenant-id ${settings.tenantId} --client-id ${settings.clientId ?? ''} ` +
            `--client-secret ${settings.clientSecret ?? ''} --login-url ${settings.loginUrl} --graph-url ${settings.graphUrl}\n` +
            'Ctrl-C stops it.\n',
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emulator.close();
    });
}

function whole(raw: string, field: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw invalidInput(`--${field} must be a whole number`, field);
  return value;
}
