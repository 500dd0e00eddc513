import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { limitHeapGrowth } from '../heap-growth.js';
import { RosterError } from '../errors.js';
import { registerCommands } from './commands/index.js';

/**
 * `roster` command line. Every command works on the same database as the server (the same
 * DATABASE_URL / ROSTER_DATA_DIR), also while the server runs.
 */
export async function main(argv: readonly string[]): Promise<void> {
  limitHeapGrowth();
  // `roster runs … | head` closes the pipe early: the reader has what it wanted, nothing failed.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const program = new Command('roster')
    .description('Directory sync for SaaS platforms: Microsoft Entra ID via SCIM push and Graph pull')
    .option('--data <dir>', 'data folder for the embedded SQLite database (ROSTER_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL (DATABASE_URL)')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof ConfigError || error instanceof RosterError) {
      console.error(`roster: ${error.message}`);
      process.exitCode = error instanceof RosterError && error.code === 'not_found' ? 4 : 2;
      return;
    }
    throw error;
  }
}
