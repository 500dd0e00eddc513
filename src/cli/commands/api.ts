import type { Command } from 'commander';
import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import { checkEventTypePattern } from '../../events/event-types.js';
import { readEventPage } from '../../events/read-event-page.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRole } from '../../store/api-keys.js';
import { getOrganization } from '../../store/organizations.js';
import { printJson, printTable, withRuntime } from '../context.js';

const cliActor: Actor = { type: 'cli', id: null };

/**
 * `roster apikey …` (REST API keys, shown once) and `roster events …` (the event log, as the
 * Events API reads it). The first operator key has to come from here: the API needs a key.
 */
export function registerApiCommands(program: Command): void {
  const apikey = program.command('apikey').description('REST API keys (Authorization: Bearer rk_…)');
  apikey
    .command('create [org]')
    .description(
      'Create an API key for an organization, or with --operator for every organization; shown once',
    )
    .option('--operator', 'an operator key, not bound to one organization')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--read-only', 'the key may only read')
    .option('--json', 'print JSON')
    .action(
      async (
        org: string | undefined,
        options: { operator?: boolean; name: string; readOnly?: boolean; json?: boolean },
        command: Command,
      ) => {
        if ((org === undefined) === (options.operator !== true)) {
          throw invalidInput('Give either an organization or --operator');
        }
        const role: ApiKeyRole = options.readOnly ? 'read_only' : 'admin';
        const created = await withRuntime(command, async (runtime) => {
          const now = isoNow(runtime.clock);
          return runtime.store.transaction(async (trx) => {
            const organization = org === undefined ? undefined : await getOrganization(trx, org);
            const key = await createApiKey(trx, {
              organizationId: organization?.id ?? null,
              name: options.name,
              role,
              now,
            });
            if (organization) {
              const { key: _secret, ...info } = key;
              await appendAudit(
                trx,
                organization.id,
                cliActor,
                [{ action: 'api_key.created', targetType: 'api_key', targetId: key.id, after: info }],
                now,
              );
            }
            return key;
          });
        });
        if (options.json) printJson(created);
        else {
          process.stdout.write(
            `API key ${created.id} (${created.organizationId === null ? 'operator' : created.organizationId}, ${created.role})\n` +
              `  ${created.key}\nShown only now; send it as "Authorization: Bearer <key>".\n`,
          );
        }
      },
    );
  apikey
    .command('list [org]')
    .description("List an organization's keys, or the operator keys with --operator")
    .option('--operator', 'list operator keys')
    .option('--json', 'print JSON')
    .action(
      async (org: string | undefined, options: { operator?: boolean; json?: boolean }, command: Command) => {
        const keys = await withRuntime(command, async (runtime) =>
          listApiKeys(
            runtime.store.db,
            org === undefined ? null : (await getOrganization(runtime.store.db, org)).id,
          ),
        );
        if (options.json) printJson(keys);
        else
          printTable(
            keys.map((key) => ({ ...key, hint: `…${key.hint}` })),
            ['id', 'name', 'role', 'hint', 'lastUsedAt', 'revokedAt'],
          );
      },
    );
  apikey
    .command('revoke <keyId> [org]')
    .description('Revoke a key at once (give the organization for its keys; none for operator keys)')
    .option('--json', 'print JSON')
    .action(async (keyId: string, org: string | undefined, options: { json?: boolean }, command: Command) => {
      const revoked = await withRuntime(command, async (runtime) => {
        const organizationId = org === undefined ? null : (await getOrganization(runtime.store.db, org)).id;
        return revokeApiKey(runtime.store.db, organizationId, keyId, isoNow(runtime.clock));
      });
      if (options.json) printJson(revoked);
      else process.stdout.write(`Revoked API key ${revoked.id}\n`);
    });

  program
    .command('events <org>')
    .description("Read an organization's event log after a cursor, in order")
    .option('--after <seq>', 'cursor: the last seq already read', '0')
    .option('--limit <n>', 'events to read', '100')
    .option('--types <types>', 'comma-separated types or prefix.* patterns')
    .option('--json', 'print JSON')
    .action(
      async (
        org: string,
        options: { after: string; limit: string; types?: string; json?: boolean },
        command: Command,
      ) => {
        const after = Number(options.after);
        const limit = Number(options.limit);
        if (!Number.isInteger(after) || after < 0) throw invalidInput('--after must be a whole number');
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw invalidInput('--limit must be 1–10000');
        const types = (options.types ?? '').split(',').filter((type) => type !== '');
        for (const type of types) {
          const problem = checkEventTypePattern(type);
          if (problem !== undefined) throw invalidInput(problem);
        }
        const page = await withRuntime(command, async (runtime) => {
          const organization = await getOrganization(runtime.store.db, org);
          return readEventPage(runtime.store.db, organization.id, { after, limit, types });
        });
        if (options.json) printJson(page);
        else {
          printTable(
            page.data.map((event) => ({
              seq: event.seq,
              type: event.type,
              occurredAt: event.occurredAt,
              id: event.id,
            })),
            ['seq', 'type', 'occurredAt', 'id'],
          );
          process.stdout.write(`next cursor: ${page.nextCursor}\n`);
        }
      },
    );
}
