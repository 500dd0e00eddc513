import type { Command } from 'commander';
import type { PullProgress } from '../../connectors/graph/pull-session.js';
import { invalidInput } from '../../errors.js';
import { cancelSyncRun, listSyncRuns, startSyncRun, waitForSyncRun } from '../../sync/runs/start-sync-run.js';
import { toRunSummary } from '../../sync/runs/sync-runs.js';
import { printJson, printTable, withRuntime } from '../context.js';

export function registerSyncCommands(program: Command): void {
  program
    .command('sync <connectionId>')
    .description('Pull from Microsoft Graph now, wait for the run, and print its summary')
    .option('--full', 'a full sync instead of the delta since the last run')
    .option('--dry-run', 'apply on a throwaway preview: counts only, nothing changes')
    .option('--json', 'print JSON')
    .action(
      async (
        connectionId: string,
        options: { full?: boolean; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        // Progress goes to stderr on a terminal only, so --json output stays one clean document.
        const onProgress = process.stderr.isTTY ? showProgress : undefined;
        const run = await withRuntime(command, async (runtime) => {
          const runId = await startSyncRun(runtime, connectionId, {
            trigger: 'manual',
            full: options.full ?? false,
            dryRun: options.dryRun ?? false,
            hooks: onProgress === undefined ? {} : { onProgress, onWaiting: showWaiting },
          });
          // Ctrl-C cancels the run (it stops at its next page and its record says so) rather than
          // leaving it queued or running behind a process that is gone; a second one kills.
          const cancel = () => void cancelSyncRun(runtime, runId).catch(() => undefined);
          process.once('SIGINT', cancel);
          process.once('SIGTERM', cancel);
          try {
            return await waitForSyncRun(runtime, runId);
          } finally {
            process.off('SIGINT', cancel);
            process.off('SIGTERM', cancel);
          }
        });
        if (onProgress) process.stderr.write('\n');
        const summary = toRunSummary(run);
        if (run.status !== 'succeeded') process.exitCode = 3;
        if (options.json) {
          printJson(summary);
          return;
        }
        const { errors, ...counts } = summary;
        printTable([counts], Object.keys(counts));
        for (const error of errors)
          process.stdout.write(`error: ${error.message}${error.remedy ? ` — ${error.remedy}` : ''}\n`);
      },
    );

  program
    .command('runs <connectionId>')
    .description('List the sync runs of a connection, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { limit: string; json?: boolean }, command: Command) => {
      const limit = parseLimit(options.limit);
      const runs = await withRuntime(command, (runtime) => listSyncRuns(runtime, connectionId, { limit }));
      if (options.json) {
        printJson(runs);
        return;
      }
      printTable(
        runs.map((run) => ({
          ...toRunSummary(run),
          trigger: run.trigger,
          startedAt: run.startedAt,
          errors: run.errors.length,
        })),
        [
          'runId',
          'trigger',
          'status',
          'startedAt',
          'usersCreated',
          'usersUpdated',
          'usersDeactivated',
          'usersReactivated',
          'membershipsAdded',
          'errors',
        ],
      );
    });
}

/**
 * `--limit` as `roster events` takes it. It reaches the query as its LIMIT: -1 meant "all" on
 * SQLite and a database error on PostgreSQL, and a fraction failed on both.
 */
function parseLimit(raw: string): number {
  const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalidInput('--limit must be 1–10000');
  return limit;
}

function showWaiting(heldBy: string): void {
  const holder = heldBy === 'another process' ? 'another run of this connection' : `run ${heldBy}`;
  process.stderr.write(`Waiting for ${holder} to finish (one run per connection at a time)…\n`);
}

function showProgress(progress: PullProgress): void {
  process.stderr.write(
    `\r${progress.phase}: ${progress.pages} pages, ${progress.usersSeen} users, ${progress.groupsSeen} groups   `,
  );
}
