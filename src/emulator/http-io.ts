/**
 * Small node:http helpers shared by the login, Graph and control scopes. Each scope owns its own
 * error format; these only move bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler knows about the request it serves; passed along, never stored. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  /** The id Graph and Entra put in `request-id` / `trace_id`. */
  readonly requestId: string;
  readonly clientRequestId: string | null;
  /** Origin the client used (or the configured graphUrl), for absolute links. */
  readonly origin: string;
}

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limitBytes = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`request body exceeds ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
): void {
  const payload = JSON.stringify(body);
  ctx.res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  ctx.res.end(payload);
}

export function sendHtml(
  ctx: RequestContext,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  ctx.res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  ctx.res.end(html);
}

export function redirect(ctx: RequestContext, location: string, status = 302): void {
  ctx.res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': 0 });
  ctx.res.end();
}

export function sendEmpty(ctx: RequestContext, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { 'content-length': 0, ...headers });
  ctx.res.end();
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** True for connections from this machine; control routes refuse anything else. */
export function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
