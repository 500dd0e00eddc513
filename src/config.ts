import fs from 'node:fs';
import path from 'node:path';

/**
 * Configuration is read once at start-up from the environment (and CLI flags layered on top),
 * validated, and frozen. A bad value stops Roster with a message naming the setting.
 */
export interface RosterConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `postgres://…` or undefined for the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** The base URL customers see (Tenant URL, portal links), without a trailing slash. */
  readonly publicUrl: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 64 hex chars (AES-256 key) or undefined to use a key file in `dataDir`. */
  readonly secretKey: string | undefined;
  readonly scimBodyLimitBytes: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /**
   * Whether webhooks may target loopback, private, link-local and other non-public addresses.
   * Off by default: an organization admin must not reach the operator's internal network.
   */
  readonly webhooksAllowPrivate: boolean;
  /**
   * Whether organization admins may point connections and sign-in at hosts other than
   * Microsoft's clouds (`loginUrl`, `graphUrl`). Off by default: Roster would send requests there
   * and show what came back, so an admin could probe the operator's internal network with it.
   * The operator (CLI, operator API keys and sessions) always may.
   */
  readonly allowHostOverrides: boolean;
  /** `GET /metrics` (Prometheus); with a token, scrapes must present it as a bearer token. */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined };
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${setting} ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
  }
}

export interface ConfigOverrides {
  port?: string | number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  publicUrl?: string | undefined;
  logLevel?: string | undefined;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): RosterConfig {
  const port = parsePort('PORT', overrides.port ?? env.PORT ?? '8080');
  const host = env.HOST ?? '0.0.0.0';
  const databaseUrl = parseDatabaseUrl(overrides.databaseUrl ?? env.DATABASE_URL);
  const publicUrl = parsePublicUrl(
    overrides.publicUrl ?? env.ROSTER_PUBLIC_URL ?? `http://localhost:${port === 0 ? 8080 : port}`,
  );
  const logLevel = parseOneOf('LOG_LEVEL', overrides.logLevel ?? env.LOG_LEVEL ?? 'info', logLevels);
  const secretKey = parseSecretKey(env.ROSTER_SECRET_KEY);
  const dataDir = parseDataDir(overrides.dataDir, env.ROSTER_DATA_DIR, {
    holds: dataFolderContents(databaseUrl, secretKey),
  });
  const scimBodyLimitBytes = parsePositiveInt(
    'ROSTER_SCIM_BODY_LIMIT',
    env.ROSTER_SCIM_BODY_LIMIT ?? '1048576',
  );
  const smtpUrl = parseSmtpUrl(env.ROSTER_SMTP_URL);
  const mailFrom = env.ROSTER_MAIL_FROM ?? 'Roster <roster@localhost>';
  const webhooksAllowPrivate =
    parseOneOf('ROSTER_WEBHOOKS_ALLOW_PRIVATE', env.ROSTER_WEBHOOKS_ALLOW_PRIVATE ?? 'off', [
      'on',
      'off',
    ] as const) === 'on';
  const allowHostOverrides =
    parseOneOf('ROSTER_ALLOW_HOST_OVERRIDES', env.ROSTER_ALLOW_HOST_OVERRIDES ?? 'off', [
      'on',
      'off',
    ] as const) === 'on';
  const metrics = Object.freeze({
    enabled: parseOneOf('ROSTER_METRICS', env.ROSTER_METRICS ?? 'on', ['on', 'off'] as const) === 'on',
    token: parseMetricsToken(env.ROSTER_METRICS_TOKEN),
  });
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    publicUrl,
    logLevel,
    secretKey,
    scimBodyLimitBytes,
    smtpUrl,
    mailFrom,
    webhooksAllowPrivate,
    allowHostOverrides,
    metrics,
  });
}

function parseMetricsToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 16 || /\s/.test(raw)) {
    throw new ConfigError('ROSTER_METRICS_TOKEN', 'must be at least 16 characters without spaces');
  }
  return raw;
}

export function parsePort(setting: string, raw: string | number): number {
  // Number() also reads "0x4844", "1.8e4" and " 80 ": a port is written in decimal digits only.
  const value = typeof raw === 'number' ? raw : /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(setting, `must be a port number from 0 to 65535, got "${raw}"`);
  }
  return value;
}

function parsePositiveInt(setting: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(setting, `must be a positive whole number, got "${raw}"`);
  }
  return value;
}

/** What the data folder is for: the SQLite database, else the key file; with both elsewhere, nothing. */
function dataFolderContents(databaseUrl: string | undefined, secretKey: string | undefined) {
  if (databaseUrl === undefined) return 'the SQLite database';
  return secretKey === undefined ? 'the key file' : undefined;
}

/**
 * The data folder. Empty is unset, as an empty DATABASE_URL is: "" would resolve to the current
 * folder and put roster.sqlite there. A file in the way is refused here, naming what was typed
 * (`--data` or ROSTER_DATA_DIR), rather than when the database opens.
 */
function parseDataDir(
  override: string | undefined,
  raw: string | undefined,
  { holds }: { holds: string | undefined },
): string {
  const [setting, value] =
    override !== undefined && override !== ''
      ? ['--data', override]
      : ['ROSTER_DATA_DIR', raw === undefined || raw === '' ? './data' : raw];
  const dataDir = path.resolve(value);
  if (holds === undefined) return dataDir;
  let isFolder: boolean | undefined;
  try {
    isFolder = fs.statSync(dataDir, { throwIfNoEntry: false })?.isDirectory();
  } catch (cause) {
    // ENOTDIR: a file stands where a parent folder should be. Anything else is left to the
    // database to report when it creates the folder.
    if ((cause as NodeJS.ErrnoException).code !== 'ENOTDIR') return dataDir;
    throw new ConfigError(setting, `must be a folder for ${holds}: "${dataDir}" lies under a file`, {
      cause,
    });
  }
  if (isFolder === false)
    throw new ConfigError(setting, `must be a folder for ${holds}: "${dataDir}" is a file`);
  return dataDir;
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(
      'DATABASE_URL',
      'must start with postgres:// (leave it unset for the embedded SQLite)',
    );
  }
  return raw;
}

function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('ROSTER_PUBLIC_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('ROSTER_PUBLIC_URL', `must use http or https, got "${url.protocol}"`);
  }
  // Paths are appended to it (`/scim/v2/…`, `/auth/callback`): a query or fragment would end up
  // in the middle of every Tenant URL and link, and credentials in it would be shown to customers.
  // Credentials first: the other messages quote the value, which must not carry a password.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('ROSTER_PUBLIC_URL', 'must not contain a user name or password');
  }
  if (/[?#]/.test(raw)) {
    throw new ConfigError('ROSTER_PUBLIC_URL', `must not have a query (?…) or fragment (#…), got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function parseSecretKey(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) {
    throw new ConfigError('ROSTER_SECRET_KEY', 'must be 64 hexadecimal characters (a 256-bit key)');
  }
  return raw.toLowerCase();
}

function parseSmtpUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^smtps?:\/\//.test(raw))
    throw new ConfigError('ROSTER_SMTP_URL', 'must start with smtp:// or smtps://');
  return raw;
}

function parseOneOf<T extends string>(setting: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(setting, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}
