import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { startWebhookWorker } from '../../events/webhooks/webhook-worker.js';
import { startScheduler } from '../../jobs/index.js';
import { openRuntime } from '../../runtime.js';
import { startPolicyWorker } from '../../sync/policy-worker.js';
import { stopLocalRuns } from '../../sync/runs/start-sync-run.js';
import { configOverrides } from '../context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the Roster server (SCIM, REST API, portal, scheduled syncs)')
    .option('--port <port>', 'port to listen on (PORT, default 8080)')
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(process.env, configOverrides(command));
      const runtime = await openRuntime(config, { server: true });
      // Loaded here, not at the top: the server's modules (Fastify, OpenAPI, the portal) take a
      // third of a second, which every other command would pay on start.
      const { buildServer } = await import('../../server.js');
      const app = await buildServer(runtime);
      const scheduler = startScheduler(runtime);
      const webhooks = startWebhookWorker(runtime);
      const policy = startPolicyWorker(runtime);
      const shutdown = async () => {
        await scheduler.stop();
        // Runs started through the API stop at their next page too, before the database closes.
        await stopLocalRuns();
        await webhooks.stop();
        await policy.stop();
        await app.close();
        await runtime.close();
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      await app.listen({ port: config.port, host: config.host });
      runtime.logger.info(
        { publicUrl: config.publicUrl, engine: runtime.store.engine },
        `Roster is listening on ${config.publicUrl}`,
      );
    });

  program
    .command('migrate')
    .description('Create or upgrade the database schema, then exit')
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(process.env, configOverrides(command));
      const runtime = await openRuntime(config);
      await runtime.close();
      process.stdout.write(`Database is up to date (${runtime.store.engine})\n`);
    });
}
