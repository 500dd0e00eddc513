import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * Serves the admin portal, the React app Vite builds into dist/portal, at `/`. Any other GET that
 * no route answers and that a browser asks for as a page gets index.html, so the app's own paths
 * (/users/…, /groups/…) survive a reload. API, SCIM and sign-in paths never get the page: a
 * client there expects its protocol's 404, not HTML. Nor do /healthz and /metrics: with
 * ROSTER_METRICS=off a scraper must see the endpoint gone, not a 200 it cannot parse.
 */
export const portalDistDir = path.join(findPackageRoot(import.meta.dirname), 'dist', 'portal');

// Asset paths too: a missing script must be a 404, not a page the browser then fails to run.
const protocolPrefixes = ['/api/', '/scim/', '/auth/', '/healthz', '/metrics', '/portal-api/', '/assets/'];

// The app loads only its own scripts and styles and talks only to its own origin; the policy
// also stops other sites from framing the portal (clickjacking).
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const portalPlugin: FastifyPluginAsync<{ distDir?: string }> = async (
  app: FastifyInstance,
  options,
) => {
  const distDir = options.distDir ?? portalDistDir;
  const built = fs.existsSync(path.join(distDir, 'index.html'));

  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'same-origin');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      void reply.header('content-security-policy', contentSecurityPolicy);
    }
    return payload;
  });

  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      index: false,
      setHeaders: (reply, filePath) => {
        // Vite names assets by content hash, so they never change; the page itself must be revalidated.
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  const sendPage = (reply: FastifyReply) => {
    if (!built) {
      return reply
        .type('text/html; charset=utf-8')
        .status(503)
        .send(
          '<!doctype html><title>Roster</title><p>The portal is not built. Run <code>npm run build</code>.</p>',
        );
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };

  app.get('/', async (_request, reply) => sendPage(reply));

  app.setNotFoundHandler(async (request, reply) => {
    const isProtocolPath = protocolPrefixes.some((prefix) => request.url.startsWith(prefix));
    if ((request.method === 'GET' || request.method === 'HEAD') && !isProtocolPath) return sendPage(reply);
    return reply
      .status(404)
      .send({ error: 'not_found', message: `${request.method} ${request.url.split('?')[0]} was not found` });
  });
};

/** The folder holding package.json: the same from src/web (tsx) and dist/web (compiled). */
function findPackageRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}
