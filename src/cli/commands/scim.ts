import type { Command } from 'commander';
import {
  createScimConnection,
  listTokens,
  revokeToken,
  rotateScimToken,
} from '../../connectors/scim/scim-connections.js';
import type { Actor } from '../../store/audit.js';
import { printJson, printTable, withRuntime } from '../context.js';

const cliActor: Actor = { type: 'cli', id: null };

export function registerScimCommands(program: Command): void {
  const scim = program.command('scim').description('SCIM provisioning connections (Entra pushes to Roster)');
  scim
    .command('connect <org>')
    .description(
      'Create a SCIM connection and its first token; prints the Tenant URL and Secret Token for Entra',
    )
    .option('--json', 'print JSON')
    .action(async (org: string, options: { json?: boolean }, command: Command) => {
      const created = await withRuntime(command, (runtime) => createScimConnection(runtime, org, cliActor));
      if (options.json) {
        printJson({ connectionId: created.connectionId, tenantUrl: created.tenantUrl, token: created.token });
        return;
      }
      process.stdout.write(
        `Connection ${created.connectionId}\n\nIn Entra (Enterprise application → Provisioning → Admin Credentials):\n` +
          `  Tenant URL:   ${created.tenantUrl}\n  Secret Token: ${created.token}\n\n` +
          'The token is shown only now; store it in Entra.\n',
      );
    });

  const token = scim.command('token').description('Secret tokens of a SCIM connection');
  token
    .command('create <connectionId>')
    .description('Add a token (for rotation); the old ones keep working until revoked')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { json?: boolean }, command: Command) => {
      const created = await withRuntime(command, (runtime) =>
        rotateScimToken(runtime, connectionId, cliActor),
      );
      if (options.json)
        printJson({ tokenId: created.id, token: created.token, createdAt: created.createdAt });
      else process.stdout.write(`Token ${created.id}\n  ${created.token}\nShown only now.\n`);
    });
  token
    .command('revoke <connectionId> <tokenId>')
    .description('Revoke a token at once')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, tokenId: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, (runtime) => revokeToken(runtime, connectionId, tokenId, cliActor));
      if (options.json) printJson({ tokenId, revoked: true });
      else process.stdout.write(`Revoked token ${tokenId}\n`);
    });
  token
    .command('list <connectionId>')
    .description('List tokens with their last use')
    .option('--json', 'print JSON')
    .action(async (connectionId: string, options: { json?: boolean }, command: Command) => {
      const tokens = await withRuntime(command, (runtime) => listTokens(runtime, connectionId));
      const rows = tokens.map((t) => ({
        id: t.id,
        hint: `…${t.hint}`,
        createdAt: t.createdAt,
        lastUsedAt: t.lastUsedAt,
        revokedAt: t.revokedAt,
        status: t.revokedAt ? 'revoked' : 'active',
      }));
      if (options.json) printJson(rows);
      else printTable(rows, ['id', 'hint', 'status', 'createdAt', 'lastUsedAt']);
    });
}
