import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
}
