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
        port: wholeOption('--port', options.port, emulatorMaximums.port),
        users: wholeOption('--users', options.users, emulatorMaximums.users),
        groups: wholeOption('--groups', options.groups, emulatorMaximums.groups),
        seed: wholeOption('--seed', options.seed, emulatorMaximums.seed),
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

/**
 * The largest values `startEmulator` takes (src/emulator/options.ts). Checked here first, so a
 * flag out of range is bad input naming the flag, not a TypeError naming `options.port`.
 */
export const emulatorMaximums = {
  port: 65535,
  users: 10_000_000,
  groups: 1_000_000,
  seed: Number.MAX_SAFE_INTEGER,
} as const;

/** A count, port or seed flag: decimal digits from 0 to `max` (Number() would read "0x10" and "1e3"). */
export function wholeOption(flag: string, raw: string, max: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? '0 or more' : `from 0 to ${max}`;
    throw invalidInput(`${flag} must be a whole number ${range}, got "${raw}"`, flag.slice(2));
  }
  return value;
}
