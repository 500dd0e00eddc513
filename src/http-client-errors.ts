import type { Socket } from 'node:net';
import { problemContentType, problemFor } from './api/problem.js';
import { scimErrorBody } from './connectors/scim/scim-error.js';

interface ClientError extends Error {
  code?: string;
  /** What Node's HTTP parser had read when it gave up (a Buffer): the request line, with luck. */
  rawPacket?: unknown;
}

const failures = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    slug: 'request-timeout',
    detail: 'The request took too long to arrive',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    slug: 'headers-too-large',
    detail:
      'The request line and headers are larger than 16 KB; a filter this long is not supported, ' +
      'ask for fewer resources at a time',
  },
} as const;

/**
 * Answers requests Node's HTTP parser refused before any route saw them (a URL over 16 KB, a
 * broken request line), in the format of the protocol the path belongs to. Fastify's own handler
 * always answers with its JSON shape; a SCIM client expects the SCIM Error schema, a REST API
 * client problem details. The path is read from the request line the parser received.
 */
export function clientErrorHandler(error: ClientError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const failure = failures[error.code as keyof typeof failures] ?? {
    status: 400,
    slug: 'bad-request',
    detail: 'The request is not valid HTTP',
  };
  const path = requestPath(error.rawPacket);
  let contentType = 'application/json';
  let body: unknown = { error: failure.detail, statusCode: failure.status };
  if (path.startsWith('/scim/')) {
    contentType = 'application/scim+json';
    body = scimErrorBody(failure.status, failure.detail);
  } else if (path.startsWith('/api/')) {
    contentType = problemContentType;
    body = problemFor(failure.slug, failure.status, failure.detail, path.split('?')[0] ?? path);
  }
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${failure.status} ${statusText(failure.status)}\r\nConnection: close\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

function requestPath(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '';
  // "GET /scim/v2/… HTTP/1.1": the target is the second word; only its start matters here.
  const line = raw.subarray(0, 256).toString('latin1');
  return line.split(' ')[1] ?? '';
}

function statusText(status: number): string {
  return status === 408
    ? 'Request Timeout'
    : status === 431
      ? 'Request Header Fields Too Large'
      : 'Bad Request';
}
