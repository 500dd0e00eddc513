import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { invalidInput } from '../../errors.js';
import type { Actor } from '../../store/audit.js';
import { listEnrollmentEmails } from '../../store/enrollment.js';
import { getOrganization } from '../../store/organizations.js';
import { applyLifecycleDeadlines } from '../../sync/apply-lifecycle-deadlines.js';
import type { Outcome } from '../../sync/outcome.js';
import {
  getPolicy,
  policyJsonSchema,
  previewPolicy,
  reconcileConnection,
  setOrganizationSeatLimit,
  setPolicy,
  type PolicyDocument,
} from '../../sync/policy-service.js';
import { SeatLimitError } from '../../sync/seat-guard.js';
import type { Runtime } from '../../runtime.js';
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
      // stdout stays the policy alone, so `policy get > file` and `policy set --file` round-trip.
      if (document.pending) {
        process.stderr.write(
          `pending: not yet applied to the users and groups already synced; ` +
            `roster policy reconcile ${connectionId} applies it\n`,
        );
      }
      printJson(options.effective ? document.effective : document.policy);
    });

  policy
    .command('set <connectionId>')
    .description('Validate and set the policy from a JSON file (or - for stdin); audited')
    .requiredOption('--file <path>', 'policy JSON file, or - to read stdin')
    // A dry run stores nothing and an apply needs the policy stored: asked together, neither
    // answer would be the one wanted, so the pair is refused rather than one of them dropped.
    .addOption(
      new Option(
        '--dry-run',
        'store nothing; report what the policy would change on the users already synced',
      ).conflicts('apply'),
    )
    .option('--apply', 'after setting it, apply the policy to the users already synced')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: SetOptions, command: Command) => {
      const json = parseJson(readPolicyFile(options.file));
      if (options.dryRun) {
        const outcome = await withRuntime(command, (runtime) => previewPolicy(runtime, connectionId, json));
        printOutcome(outcome, options.json);
        return;
      }
      const result = await withRuntime(command, (runtime) =>
        options.apply ? setAndApply(runtime, connectionId, json) : setOnly(runtime, connectionId, json),
      );
      if ('refused' in result) {
        printStoredNotApplied(result.refused, options.json);
        // The apply asked for did not happen: a script must not carry on as if it had.
        process.exitCode = 2;
        return;
      }
      const { document, outcome } = result;
      if (options.json) {
        printJson({
          connectionId: document.connectionId,
          policy: document.policy,
          ...(outcome ? summary(outcome) : {}),
        });
        return;
      }
      process.stdout.write(`Policy of connection ${document.connectionId} set\n`);
      if (outcome) printOutcome(outcome, false);
    });

  policy
    .command('reconcile <connectionId>')
    .description('Apply the policy to the users and groups already synced (after a policy change)')
    .option('--dry-run', 'report what would change and keep nothing')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const outcome = await withRuntime(command, (runtime) =>
        reconcileConnection(runtime, connectionId, { dryRun: options.dryRun === true, actor: cliActor }),
      );
      printOutcome(outcome, options.json);
    });

  policy
    .command('seat-limit <org> <limit>')
    .description('Set the organization\'s maximum user count ("none" removes it)')
    .option('--json', 'print JSON')
    .action(async (org: string, limit: string, options: { json?: boolean }, command: Command) => {
      const seatLimit = parseSeatLimit(limit);
      const settings = await withRuntime(command, async (runtime) => {
        const organization = await getOrganization(runtime.store.db, org);
        return setOrganizationSeatLimit(runtime, organization.id, seatLimit, cliActor);
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

interface Applied {
  document: PolicyDocument;
  outcome: Outcome | undefined;
}

/** A policy stored (and pending) whose apply the seat guard refused: what the admin must know. */
interface StoredNotApplied {
  document: PolicyDocument;
  previousPolicy: Record<string, unknown>;
  organizationSlug: string;
  error: SeatLimitError;
}

async function setOnly(runtime: Runtime, connectionId: string, json: unknown): Promise<Applied> {
  return { document: await setPolicy(runtime, connectionId, json, cliActor), outcome: undefined };
}

/**
 * `set --apply` is two steps: the policy is stored (audited) first, then applied. When the seat
 * guard refuses the apply, the policy stays stored and pending, and governs the changes that
 * arrive from now on; saying only "nothing was applied" would read as if the set were refused too.
 */
async function setAndApply(
  runtime: Runtime,
  connectionId: string,
  json: unknown,
): Promise<Applied | { refused: StoredNotApplied }> {
  const previous = await getPolicy(runtime, connectionId);
  const document = await setPolicy(runtime, connectionId, json, cliActor);
  try {
    return { document, outcome: await reconcileConnection(runtime, connectionId, { actor: cliActor }) };
  } catch (error) {
    if (!(error instanceof SeatLimitError)) throw error;
    const organization = await getOrganization(runtime.store.db, document.organizationId);
    return {
      refused: { document, previousPolicy: previous.policy, organizationSlug: organization.slug, error },
    };
  }
}

function printStoredNotApplied(refused: StoredNotApplied, json: boolean | undefined): void {
  const { document, previousPolicy, organizationSlug, error } = refused;
  const seatCheck = {
    seatLimit: error.seatLimit,
    seatsUsed: error.seatsUsed,
    wouldImport: error.wouldImport,
    exceeded: true,
  };
  if (json) {
    printJson({
      connectionId: document.connectionId,
      policy: document.policy,
      stored: true,
      pending: true,
      applied: false,
      seatCheck,
      error: { code: error.code, message: error.message },
      previousPolicy,
    });
    return;
  }
  const id = document.connectionId;
  const afterwards =
    document.kind === 'graph'
      ? 'The next sync applies it too, and fails with seat_limit_exceeded until seats are free.'
      : "Entra's requests follow it from now on.";
  process.stderr.write(
    [
      `roster: the policy of connection ${id} was stored but not applied to the users already synced: ` +
        `applying it would import ${error.wouldImport} user(s), above the organization's seat limit of ` +
        `${error.seatLimit} (${error.seatsUsed} seats needed).`,
      `The stored policy is pending. ${afterwards}`,
      'To go on, raise the seat limit and apply it:',
      `  roster policy seat-limit ${organizationSlug} ${error.seatsUsed}`,
      `  roster policy reconcile ${id}`,
      'or set the previous policy back:',
      `  roster policy set ${id} --file previous-policy.json`,
      `Previous policy: ${JSON.stringify(previousPolicy)}`,
      '',
    ].join('\n'),
  );
}

interface SetOptions {
  file: string;
  dryRun?: boolean;
  apply?: boolean;
  json?: boolean;
}

function summary(outcome: Outcome) {
  return {
    dryRun: outcome.dryRun,
    counts: outcome.counts,
    errors: outcome.errors,
    ...(outcome.seatCheck === undefined ? {} : { seatCheck: outcome.seatCheck }),
    ...(outcome.notes.length === 0 ? {} : { notes: outcome.notes }),
    changes: outcome.planned(),
  };
}

function printOutcome(outcome: Outcome, json: boolean | undefined): void {
  if (json) {
    printJson(summary(outcome));
    return;
  }
  const counts = (Object.keys(outcome.counts) as (keyof Outcome['counts'])[])
    .map((name) => [name, outcome.counts[name]] as const)
    .filter(([, value]) => value > 0);
  process.stdout.write(outcome.dryRun ? 'Dry run: nothing was changed.\n' : '');
  printTable(
    counts.map(([name, value]) => ({ change: name, count: value })),
    ['change', 'count'],
  );
  if (outcome.seatCheck?.exceeded) {
    const { wouldImport, seatsUsed, seatLimit } = outcome.seatCheck;
    process.stdout.write(
      `Seat limit exceeded: would import ${wouldImport}, using ${seatsUsed} of ${seatLimit} seats\n`,
    );
  }
  for (const error of outcome.errors)
    process.stdout.write(`error ${error.objectId} ${error.field ?? ''}: ${error.message}\n`);
  for (const note of outcome.notes) process.stdout.write(`note: ${note}\n`);
}

/** The policy file's text (stdin for `-`); a missing file or a folder is bad input, not a crash. */
function readPolicyFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (cause) {
    throw invalidInput(`The policy file could not be read: ${(cause as Error).message}`, 'file');
  }
}

/**
 * The seat limit as typed: decimal digits, or `none` to remove it. Number() would read "" and " "
 * as 0 (blocking every new user), "0x10" as 16 and "1e3" as 1000, so only digits are taken.
 */
function parseSeatLimit(raw: string): number | null {
  if (raw === 'none') return null;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw invalidInput(
      `seat limit must be a whole number of users (0 or more), or none for no limit; got "${raw}"`,
      'limit',
    );
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInput(`The policy file is not JSON: ${(error as Error).message}`, '(file)');
  }
}
