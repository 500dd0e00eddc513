import { GraphError, graphErrorFromResponse } from './graph-error.js';
import { Semaphore } from './semaphore.js';
import type { TokenProvider } from './token-provider.js';

/**
 * The few Graph calls Roster makes, over fetch: one GET that follows Graph's rules for background
 * work. 429/503/504 wait for `Retry-After`, otherwise back off exponentially with jitter; every
 * request carries `x-ms-throttle-priority: Low`; a 401 gets one fresh token; at most
 * `concurrency` requests are in flight. Errors leave as GraphError, translated here once.
 */
export interface GraphClient {
  /** GETs a path under `/v1.0` (`/users/delta?…`) or an absolute `@odata.nextLink`/deltaLink. */
  get<T>(pathOrUrl: string, options?: { headers?: Record<string, string> }): Promise<T>;
}

/** One page of a Graph collection. */
export interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface GraphClientOptions {
  graphUrl: string;
  tokens: TokenProvider;
  concurrency?: number;
  maxRetries?: number;
  /** Upper bound of one wait, whatever Retry-After says. */
  maxDelayMs?: number;
  baseDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onThrottled?: (info: { status: number; delayMs: number; attempt: number }) => void;
}

const retryable = new Set([429, 503, 504]);

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxRetries ?? 6;
  const maxDelayMs = options.maxDelayMs ?? 120_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const semaphore = new Semaphore(options.concurrency ?? 4);
  const origin = new URL(options.graphUrl).origin;

  const resolve = (pathOrUrl: string): string => {
    if (!/^https?:\/\//.test(pathOrUrl))
      return `${options.graphUrl}/v1.0${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
    // A next or delta link must point back at the connection's Graph host: the token never goes elsewhere.
    if (new URL(pathOrUrl).origin !== origin) {
      throw new GraphError('upstream', 'Microsoft Graph returned a link to another host', {
        graphCode: 'foreign_link',
      });
    }
    return pathOrUrl;
  };

  async function get<T>(pathOrUrl: string, request: { headers?: Record<string, string> } = {}): Promise<T> {
    const url = resolve(pathOrUrl);
    let refreshed = false;
    for (let attempt = 0; ; attempt += 1) {
      const token = await options.tokens.getToken();
      let response: Response;
      try {
        response = await semaphore.run(() =>
          doFetch(url, {
            headers: {
              accept: 'application/json',
              authorization: `Bearer ${token}`,
              'x-ms-throttle-priority': 'Low',
              ...request.headers,
            },
          }),
        );
      } catch (cause) {
        if (attempt < maxRetries) {
          await sleep(backoff(attempt, baseDelayMs, maxDelayMs));
          continue;
        }
        throw new GraphError('upstream', 'Microsoft Graph could not be reached', {
          graphCode: 'network_error',
          cause,
        });
      }
      if (response.ok) return (await response.json()) as T;
      const body = await readBody(response);
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await options.tokens.getToken({ forceRefresh: true });
        continue;
      }
      if (retryable.has(response.status) && attempt < maxRetries) {
        const delayMs =
          retryAfterMs(response.headers.get('retry-after'), maxDelayMs) ??
          backoff(attempt, baseDelayMs, maxDelayMs);
        options.onThrottled?.({ status: response.status, delayMs, attempt });
        await sleep(delayMs);
        continue;
      }
      throw graphErrorFromResponse(response.status, body, response.headers.get('request-id') ?? undefined);
    }
  }

  return { get };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3), capped. */
export function retryAfterMs(header: string | null, maxDelayMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxDelayMs);
}

/** Exponential backoff with full jitter, so throttled clients do not retry in step. */
export function backoff(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
