import fs from 'node:fs';
import type { Command } from 'commander';
import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import type { Actor } from '../../store/audit.js';
import { listEnrollmentEmails } from '../../store/enrollment.js';
import { setSeatLimit } from '../../store/organization-settings.js';
import { getOrganization } from '../../store/organizations.js';
import { applyLifecycleDeadlines } from '../../sync/apply-lifecycle-deadlines.js';
import { getPolicy, policyJsonSchema, setPolicy } from '../../sync/policy-service.js';
import { printJson, printTable, withRuntime } from '../context.js';

const cliActor: Actor = { type: 'cli', id: null };

/** `roster policy …`: a connection's provisioning policy, the seat limit, the enrollment outbox, the sweep. */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description('Provisioning policy of a connection (see docs/policy.md)');
  policy
    .command('schema')
    .description('Print the policy format as a JSON Schema')
    .action(() => printJson(policyJsonSchema()));

  policy
    .command('get <connectionId>')
    .description(
      'Print the policy as set (members left out take defaults); --effective prints it with defaults',
    )
    .option('--effective', 'print the policy with every default filled in')
    .option('--json', 'print JSON (the default output is JSON too)')
    .action(async (connectionId: string, options: { effective?: boolean }, command: Command) => {
      const document = await withRuntime(command, (runtime) => getPolicy(runtime, connectionId));
      printJson(options.effective ? document.effective : document.policy);
    });

  policy
    .command('set <connectionId>')
    .description('Validate and set the policy from a JSON file (or - for stdin); audited')
    .requiredOption('--file <path>', 'policy JSON file, or - to read stdin')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { file: string; json?: boolean }, command: Command) => {
      const json = parseJson(
        options.file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(options.file, 'utf8'),
      );
      const document = await withRuntime(command, (runtime) =>
        setPolicy(runtime, connectionId, json, cliActor),
      );
      if (options.json) printJson({ connectionId: document.connectionId, policy: document.policy });
      else process.stdout.write(`Policy of connection ${document.connectionId} set\n`);
    });

  policy
    .command('seat-limit <org> <limit>')
    .description('Set the organization\'s maximum user count ("none" removes it)')
    .option('--json', 'print JSON')
    .action(async (org: string, limit: string, options: { json?: boolean }, command: Command) => {
      const seatLimit = limit === 'none' ? null : Number(limit);
      const settings = await withRuntime(command, async (runtime) => {
        const organization = await getOrganization(runtime.store.db, org);
        return setSeatLimit(runtime.store.db, organization.id, seatLimit, isoNow(runtime.clock));
      });
      if (options.json) printJson({ seatLimit: settings.seatLimit ?? null });
      else process.stdout.write(`Seat limit: ${settings.seatLimit ?? 'none'}\n`);
    });

  policy
    .command('emails <org>')
    .description('List the enrollment-email outbox: status, attempts and the last error')
    .option('--json', 'print JSON')
    .action(async (org: string, options: { json?: boolean }, command: Command) => {
      const emails = await withRuntime(command, async (runtime) => {
        const organization = await getOrganization(runtime.store.db, org);
        return listEnrollmentEmails(runtime.store.db, organization.id);
      });
      const rows = emails.map(({ id, userId, recipient, status, attempts, lastError, sentAt }) => ({
        id,
        userId,
        recipient,
        status,
        attempts,
        lastError,
        sentAt,
      }));
      if (options.json) printJson(rows);
      else printTable(rows, ['recipient', 'status', 'attempts', 'lastError', 'sentAt']);
    });

  policy
    .command('sweep')
    .description('Delete users whose grace period after leaving the scope has passed')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const result = await withRuntime(command, (runtime) => applyLifecycleDeadlines(runtime));
      if (options.json) printJson(result);
      else process.stdout.write(`Deleted ${result.deleted} user(s)\n`);
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInput(`The policy file is not JSON: ${(error as Error).message}`, '(file)');
  }
}
