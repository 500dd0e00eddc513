/**
 * Helpers for the emulator tests: start an emulator on port 0, get a token the way a client
 * would (plain HTTP, no SDK), call Graph, follow paging links, and make a self-signed
 * certificate with the openssl CLI (node:crypto cannot issue X.509 certificates).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export type Json = Record<string, unknown>;

export async function withEmulator(
  options: EmulatorOptions,
  run: (emulator: Emulator) => Promise<void>,
): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    await run(emulator);
  } finally {
    await emulator.close();
  }
}

export function tokenUrl(emulator: Emulator, tenant = emulator.tenantId): string {
  return `${emulator.loginUrl}/${tenant}/oauth2/v2.0/token`;
}

export async function requestToken(
  emulator: Emulator,
  form: Record<string, string>,
  tenant?: string,
): Promise<Response> {
  return fetch(tokenUrl(emulator, tenant), { method: 'POST', body: new URLSearchParams(form) });
}

/** A client-credentials token for the emulator's default (or given) client. */
export async function appToken(
  emulator: Emulator,
  client: { clientId: string; clientSecret: string | null } = emulator.clients[0]!,
): Promise<string> {
  const response = await requestToken(emulator, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
    scope: 'https://graph.microsoft.com/.default',
  });
  const body = (await response.json()) as Json;
  if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token as string;
}

export async function graphGet(
  emulator: Emulator,
  pathOrUrl: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${emulator.graphUrl}/v1.0${pathOrUrl}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await response.text();
  const body = (text === '' ? {} : text.startsWith('{') ? JSON.parse(text) : { text }) as Json;
  return { status: response.status, headers: response.headers, body };
}

/** Follows `@odata.nextLink` to the end; returns every page's body. */
export async function allPages(
  emulator: Emulator,
  first: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<Json[]> {
  const pages: Json[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const page = await graphGet(emulator, next, token, headers);
    if (page.status !== 200) throw new Error(`GET ${next} → ${page.status} ${JSON.stringify(page.body)}`);
    pages.push(page.body);
    next = page.body['@odata.nextLink'] as string | undefined;
  }
  return pages;
}

export const values = (pages: Json[]): Json[] => pages.flatMap((p) => p.value as Json[]);

/** A full delta round: every page, and the deltaLink that ends it. */
export async function deltaRound(
  emulator: Emulator,
  first: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ pages: Json[]; items: Json[]; deltaLink: string }> {
  const pages = await allPages(emulator, first, token, headers);
  const deltaLink = pages.at(-1)?.['@odata.deltaLink'];
  if (typeof deltaLink !== 'string') throw new Error('delta round ended without a deltaLink');
  return { pages, items: values(pages), deltaLink };
}

export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Hex thumbprints, as MSAL takes them. */
  sha1: string;
  sha256: string;
}

export function makeCertificate(days = 2): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        String(days),
        '-subj',
        '/CN=roster-emulator-test',
      ],
      { stdio: 'ignore' },
    );
    const fingerprint = (algorithm: string): string =>
      execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', `-${algorithm}`])
        .toString()
        .split('=')[1]!
        .trim()
        .replace(/:/g, '');
    return {
      certificatePem: readFileSync(cert, 'utf8'),
      privateKeyPem: readFileSync(key, 'utf8'),
      sha1: fingerprint('sha1'),
      sha256: fingerprint('sha256'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
