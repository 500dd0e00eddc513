import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths redacted from every log line: nothing secret is ever logged. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  '*.token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.secret',
];

/**
 * Fastify logs each request's URL. Sign-in URLs carry OAuth codes and state in their query, so
 * under /auth the query is left out; elsewhere it stays (SCIM filters are what one debugs).
 */
function serializeRequest(request: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return {
    method: request.method,
    url: url.startsWith('/auth/') && query !== -1 ? `${url.slice(0, query)}?[redacted]` : url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  hooks?: LoggerOptions['hooks'],
): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    ...(hooks === undefined ? {} : { hooks }),
  };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
}
