import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { buildServer } from '../../src/server.js';
import type { Engine } from '../../src/store/database.js';
import { createTestDatabase } from './engines.js';

/** A real Roster server on a random loopback port over a fresh database of the given engine. */
export interface TestRoster {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  /** Environment for spawning the CLI against the same database. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startTestRoster(
  engine: Engine,
  env: NodeJS.ProcessEnv = {},
  options: { logTo?: NodeJS.WritableStream } = {},
): Promise<TestRoster> {
  const database = await createTestDatabase(engine);
  const dbEnv: NodeJS.ProcessEnv = {
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(database.dataDir ? { ROSTER_DATA_DIR: database.dataDir } : {}),
    LOG_LEVEL: 'silent',
    // Test receivers listen on loopback.
    ROSTER_WEBHOOKS_ALLOW_PRIVATE: 'on',
    // Graph connections and sign-in point at the emulator on loopback.
    ROSTER_ALLOW_HOST_OVERRIDES: 'on',
    ...env,
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ ...dbEnv, ROSTER_PUBLIC_URL: url }, { port });
  const logger = options.logTo ? createLogger('trace', options.logTo) : createLogger('silent');
  const runtime = await openRuntime(config, { logger });
  const app = await buildServer(runtime);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    runtime,
    app,
    url,
    env: { ...dbEnv, ROSTER_PUBLIC_URL: url },
    close: async () => {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** Asks the kernel for a free loopback port, so the public URL is known before the server starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
