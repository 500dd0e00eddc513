import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import { loadConfig, type ConfigOverrides, type RosterConfig } from '../config.js';
import { RosterError } from '../errors.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../runtime.js';

/** Global flags every command accepts, layered over the environment. */
export function configOverrides(command: Command): ConfigOverrides {
  const globals = command.optsWithGlobals<{ data?: string; databaseUrl?: string; port?: string }>();
  return { dataDir: globals.data, databaseUrl: globals.databaseUrl, port: globals.port };
}

/** Opens the runtime for a one-shot command, runs it, and always closes the database. */
export async function withRuntime<T>(command: Command, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, configOverrides(command));
  const runtime = await openRuntime(config, { logger: commandLogger(config.logLevel) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * One-shot commands print their result on stdout; logs go to stderr, and only when they matter.
 * A failure Roster can explain (a RosterError, such as Entra refusing the client secret) is already
 * in the command's result with its remedy, so it is not logged again; anything unexpected is. An
 * explicit LOG_LEVEL shows everything at that level.
 */
export function commandLogger(
  level: RosterConfig['logLevel'],
  env: NodeJS.ProcessEnv = process.env,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  if (env.LOG_LEVEL !== undefined) return createLogger(level, destination);
  return createLogger('error', destination, {
    logMethod(args, log, levelValue) {
      const fields: unknown = args[0];
      const explained =
        typeof fields === 'object' && fields !== null && 'err' in fields && fields.err instanceof RosterError;
      if (!explained || levelValue >= (pino.levels.values.fatal ?? 60)) log.apply(this, args);
    },
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    return JSON.stringify(value);
  };
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line([...columns])}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}
