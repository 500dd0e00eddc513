import type { Command } from 'commander';
import { isoNow } from '../../clock.js';
import { createOrganization, listOrganizations } from '../../store/organizations.js';
import { printJson, printTable, withRuntime } from '../context.js';

export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description("Organizations (the platform's customers)");
  org
    .command('create <slug>')
    .description('Create an organization')
    .requiredOption('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action(async (slug: string, options: { name: string; json?: boolean }, command: Command) => {
      const organization = await withRuntime(command, (runtime) =>
        createOrganization(runtime.store.db, { slug, name: options.name, now: isoNow(runtime.clock) }),
      );
      const { id, name } = organization;
      if (options.json) printJson({ id, slug: organization.slug, name });
      else process.stdout.write(`Created organization ${organization.slug} (${id})\n`);
    });
  org
    .command('list')
    .description('List organizations')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const organizations = await withRuntime(command, (runtime) => listOrganizations(runtime.store.db));
      const rows = organizations.map(({ id, slug, name }) => ({ id, slug, name }));
      if (options.json) printJson(rows);
      else printTable(rows, ['slug', 'name', 'id']);
    });
}
