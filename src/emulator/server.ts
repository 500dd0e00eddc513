/**
 * One node:http server for every scope, routed by path so one origin can stand in for both
 * login.microsoftonline.com and graph.microsoft.com:
 *
 *   /_emulator/…        control API (own JSON errors; never failure-injected)
 *   /v1.0/…, /beta/…    Microsoft Graph (Graph error JSON)
 *   /oidc/userinfo      OIDC userinfo (on the Graph host, as in Entra)
 *   /{tenant}/…         login: token, authorize, logout, discovery, keys (AADSTS error JSON)
 *
 * Injected failures answer in the scope's own error shape. Each response carries `request-id`
 * and echoes `client-request-id`. 4xx are logged at info, 5xx at error.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControlRequest, emulatorSummary } from './control/control-routes.js';
import type { TenantControl } from './control/tenant-control.js';
import { EmulatorError } from './emulator-error.js';
import { handleGraphRequest, type GraphRequestNote } from './graph/graph-router.js';
import { GraphError, graphErrors, sendGraphError } from './graph/graph-error.js';
import { BodyTooLargeError, header, sendJson, type RequestContext } from './http-io.js';
import { AadstsError, sendAadstsError } from './login/aadsts-error.js';
import { handleLoginRequest } from './login/login-routes.js';
import { userinfoEndpoint } from './login/userinfo-endpoint.js';
import type { EmulatorRuntime } from './runtime.js';

type Scope = 'control' | 'graph' | 'login';

function scopeOf(pathname: string): Scope {
  if (pathname === '/_emulator' || pathname.startsWith('/_emulator/')) return 'control';
  if (/^\/(v1\.0|beta)(\/|$)/i.test(pathname) || pathname === '/oidc/userinfo') return 'graph';
  return 'login';
}

/** The origin links should use: the configured Graph URL, else the Host the client used. */
function requestOrigin(rt: EmulatorRuntime, req: IncomingMessage): string {
  if (rt.options.graphUrl !== null) return rt.options.graphUrl;
  const host = header(req, 'host');
  return host !== undefined && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : rt.origin;
}

function sendError(ctx: RequestContext, rt: EmulatorRuntime, scope: Scope, error: unknown): void {
  const now = rt.now();
  if (error instanceof GraphError) return sendGraphError(ctx, error, now);
  if (error instanceof AadstsError) return sendAadstsError(ctx, error, now);
  if (error instanceof EmulatorError) {
    return sendJson(ctx, error.status, { error: { code: error.code, message: error.message } });
  }
  if (error instanceof BodyTooLargeError) {
    return sendJson(ctx, 413, { error: { code: 'payload_too_large', message: error.message } });
  }
  rt.options.logger?.error({ err: error, path: ctx.url.pathname }, 'emulator request failed');
  if (scope === 'graph') return sendGraphError(ctx, graphErrors.injected(500, null), now);
  if (scope === 'login') {
    return sendAadstsError(
      ctx,
      new AadstsError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.'),
      now,
    );
  }
  sendJson(ctx, 500, { error: { code: 'internal', message: 'the emulator failed to handle the request' } });
}

/** An injected failure, in the shape of the scope it hits. */
function injectedError(
  scope: Scope,
  status: number,
  retryAfterSeconds: number | null,
): GraphError | AadstsError {
  const headers: Record<string, string> =
    retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) };
  if (scope === 'graph') {
    if (status === 403) return graphErrors.accessDenied();
    return status === 429
      ? graphErrors.throttled(retryAfterSeconds)
      : graphErrors.injected(status as 500 | 503 | 504, retryAfterSeconds);
  }
  const error =
    status === 429 || status === 503 || status === 504 ? 'temporarily_unavailable' : 'server_error';
  const aad = new AadstsError(status, error, 90033, 'A transient error has occurred. Please try again.');
  for (const [name, value] of Object.entries(headers)) aad.headers[name] = value;
  return aad;
}

export function createRequestHandler(
  rt: EmulatorRuntime,
  tenant: TenantControl,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', rt.origin);
    const clientRequestId = header(req, 'client-request-id') ?? url.searchParams.get('client-request-id');
    const ctx: RequestContext = {
      req,
      res,
      url,
      method: (req.method ?? 'GET').toUpperCase(),
      requestId: randomUUID(),
      clientRequestId: clientRequestId ?? null,
      origin: requestOrigin(rt, req),
    };
    const scope = scopeOf(url.pathname);
    const note: GraphRequestNote = { appId: null };
    res.setHeader('request-id', ctx.requestId);
    if (ctx.clientRequestId !== null) res.setHeader('client-request-id', ctx.clientRequestId);
    res.on('finish', () => {
      const entry = {
        at: rt.now().toISOString(),
        method: ctx.method,
        path: url.pathname + url.search,
        status: res.statusCode,
        appId: note.appId,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      if (scope !== 'control') rt.requestLog.add(entry);
      const logger = rt.options.logger;
      if (res.statusCode >= 500) logger?.error(entry, 'emulator request');
      else if (res.statusCode >= 400) logger?.info(entry, 'emulator request');
      else logger?.debug?.(entry, 'emulator request');
    });
    try {
      if (scope === 'control') return await handleControlRequest(ctx, rt, tenant);
      const failure = rt.failures.take(ctx.method, url.pathname + url.search);
      if (failure !== null) throw injectedError(scope, failure.status, failure.retryAfterSeconds);
      if (url.pathname === '/') return sendJson(ctx, 200, emulatorSummary(rt, tenant));
      if (url.pathname === '/oidc/userinfo') return await userinfoEndpoint(ctx, rt);
      if (scope === 'graph') return await handleGraphRequest(ctx, rt, note);
      return await handleLoginRequest(ctx, rt);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(ctx, rt, scope, error);
    }
  };
}
