import type { Command } from 'commander';
import { createSignInLink, linkLifetimeMs } from '../../sso/sign-in-links.js';
import { getOrganization } from '../../store/organizations.js';
import { printJson, withRuntime } from '../context.js';

/**
 * `roster admin link`: a one-time portal sign-in link for the operator of this installation.
 * There is no default password to leak or forget: whoever can run the CLI against the database
 * can get in, and each link works once, for a quarter of an hour.
 */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Operator access to the admin portal');
  admin
    .command('link')
    .description('Print a one-time sign-in link to the portal (valid 15 minutes)')
    .option('--org <org>', 'open this organization (id or slug) after signing in')
    .option('--json', 'print JSON')
    .action(async (options: { org?: string; json?: boolean }, command: Command) => {
      const link = await withRuntime(command, async (runtime) => {
        const organization =
          options.org === undefined ? null : await getOrganization(runtime.store.db, options.org);
        return createSignInLink(runtime.store.db, {
          publicUrl: runtime.config.publicUrl,
          organizationId: organization?.id ?? null,
          now: runtime.clock.now(),
        });
      });
      if (options.json) {
        printJson({ signInUrl: link.url, expiresAt: link.expiresAt });
        return;
      }
      process.stdout.write(
        `Open this link to sign in to the Roster portal (works once, within ${linkLifetimeMs / 60000} minutes):\n\n  ${link.url}\n`,
      );
    });
}
