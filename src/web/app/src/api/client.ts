/**
 * The portal's only way to the server: same-origin fetch with the session cookie, the CSRF token
 * in a header on every change, and errors from problem+json (REST API) or `{ error, message }`
 * (sign-in routes) turned into one ApiError whose message can be shown as is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/**
 * A 401 once the page had a session: it ended (signed out in another tab, or expired). The API's
 * own words speak to API clients ("send Authorization: Bearer rk_…"); an admin needs to hear that
 * they must sign in again. The server's answer stays as `cause`.
 */
export class SessionEndedError extends ApiError {
  constructor(cause: ApiError) {
    super(401, 'session_ended', 'Your session has ended — sign in again.', { cause });
    this.name = 'SessionEndedError';
  }
}

/**
 * The request never got an answer: the browser could not reach Roster (offline, server down or
 * restarting, a proxy in between). fetch says only "Failed to fetch"; the person needs to know
 * whether their change was made, and that trying again is the remedy. `retryable` lets a page
 * offer a retry button.
 */
export class UnreachableError extends ApiError {
  readonly retryable = true;

  constructor(method: string, cause: unknown) {
    super(0, 'unreachable', unreachableMessage(method), { cause });
    this.name = 'UnreachableError';
  }
}

function unreachableMessage(method: string): string {
  return method === 'GET'
    ? 'Roster could not be reached. Check your connection, then try again.'
    : 'Roster could not be reached, so the change may not have been made. Check your connection, then try again.';
}

/** Whether trying the same request again may help: Roster was unreachable or failed on its side. */
export function isRetryable(error: Error): boolean {
  return error instanceof UnreachableError || (error instanceof ApiError && error.status >= 500);
}

/** Where the portal asks who is signed in; its 401 means "nobody", not "the session ended". */
export const sessionPath = '/auth/session';

let csrfToken = '';
let organizationId = '';
let hadSession = false;
let sessionEnded = false;
const sessionEndedListeners = new Set<() => void>();

export function setSessionContext(context: { csrfToken: string; organizationId: string | null }): void {
  csrfToken = context.csrfToken;
  organizationId = context.organizationId ?? '';
  hadSession = true;
  setSessionEnded(false);
}

function setSessionEnded(ended: boolean): void {
  if (sessionEnded === ended) return;
  sessionEnded = ended;
  for (const listener of sessionEndedListeners) listener();
}

/** Whether a request found the session ended; cleared when a session is loaded again. */
export const isSessionEnded = (): boolean => sessionEnded;

export function subscribeSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/** The organization's base path in the REST API; every portal call is scoped to it. */
export function orgPath(path: string): string {
  return `/api/v1/organizations/${encodeURIComponent(organizationId)}${path}`;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const { response, text } = await exchange(method, path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) {
    const error = toApiError(response.status, parsed);
    if (response.status === 401 && hadSession && path !== sessionPath) {
      setSessionEnded(true);
      throw new SessionEndedError(error);
    }
    throw error;
  }
  return parsed as T;
}

/** fetch rejects (rather than answering) when Roster is not reached, also while reading the body. */
async function exchange(
  method: string,
  path: string,
  init: RequestInit,
): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetch(path, init);
    return { response, text: await response.text() };
  } catch (failure) {
    throw new UnreachableError(method, failure);
  }
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const message = [b.detail, b.message, b.title].find(
      (value): value is string => typeof value === 'string',
    );
    const code = [b.code, b.error, b.type].find((value): value is string => typeof value === 'string');
    return new ApiError(status, code ?? String(status), message ?? `Request failed (${status})`);
  }
  return new ApiError(status, String(status), `Request failed (${status})`);
}
