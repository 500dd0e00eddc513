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

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  hooks?: LoggerOptions['hooks'],
): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(hooks === undefined ? {} : { hooks }),
  };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
}
