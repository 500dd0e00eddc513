import type { Command } from 'commander';
import type { UserStatus } from '../../domain/source-user.js';
import { toGroupView, toUserView, type GroupView, type UserView } from '../../domain/views.js';
import { invalidInput } from '../../errors.js';
import { listGroups } from '../../store/groups.js';
import { getOrganization } from '../../store/organizations.js';
import { groupsOfUsers, listUsers } from '../../store/users.js';
import { printJson, printTable, withRuntime } from '../context.js';

const pageSize = 1000;
const userStatuses: readonly UserStatus[] = ['active', 'inactive', 'pending'];

export function registerDirectoryCommands(program: Command): void {
  program
    .command('users')
    .description("The platform's users")
    .command('list <org>')
    .description('List the users of an organization')
    .option('--status <status>', 'active, inactive or pending')
    .option('--search <text>', 'name or email contains')
    .option('--json', 'print JSON')
    .action(
      async (
        org: string,
        options: { status?: string; search?: string; json?: boolean },
        command: Command,
      ) => {
        checkStatus(options.status);
        const users = await withRuntime(command, async (runtime) => {
          const organization = await getOrganization(runtime.store.db, org);
          const all: UserView[] = [];
          let after: string | undefined;
          for (;;) {
            const rows = await listUsers(runtime.store.db, organization.id, {
              ...options,
              after,
              limit: pageSize,
            });
            const groups = await groupsOfUsers(
              runtime.store.db,
              organization.id,
              rows.map((row) => row.id),
            );
            all.push(...rows.map((row) => toUserView(row, groups.get(row.id) ?? [])));
            if (rows.length < pageSize) return all;
            after = rows.at(-1)?.id;
          }
        });
        if (options.json) printJson(users);
        else
          printTable(
            users.map((u) => ({ ...u, groups: (u.groups ?? []).map((g) => g.displayName).join(', ') })),
            ['email', 'displayName', 'status', 'source', 'groups'],
          );
      },
    );

  program
    .command('groups')
    .description("The platform's groups")
    .command('list <org>')
    .description('List the groups of an organization with member counts')
    .option('--json', 'print JSON')
    .action(async (org: string, options: { json?: boolean }, command: Command) => {
      const groups = await withRuntime(command, async (runtime) => {
        const organization = await getOrganization(runtime.store.db, org);
        const all: GroupView[] = [];
        let after: string | undefined;
        for (;;) {
          const rows = await listGroups(runtime.store.db, organization.id, { after, limit: pageSize });
          all.push(...rows.map(toGroupView));
          if (rows.length < pageSize) return all;
          after = rows.at(-1)?.id;
        }
      });
      if (options.json) printJson(groups);
      else
        printTable(groups as unknown as Record<string, unknown>[], [
          'displayName',
          'memberCount',
          'source',
          'id',
        ]);
    });
}

/** A misspelt status would list no one, as if the organization had no such users: refused, as the API does. */
function checkStatus(status: string | undefined): void {
  if (status !== undefined && !(userStatuses as readonly string[]).includes(status))
    throw invalidInput(`--status must be one of: ${userStatuses.join(', ')}`, 'status');
}
