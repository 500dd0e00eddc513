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
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';
let organizationId = '';

export function setSessionContext(context: { csrfToken: string; organizationId: string | null }): void {
  csrfToken = context.csrfToken;
  organizationId = context.organizationId ?? '';
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
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) throw toApiError(response.status, parsed);
  return parsed as T;
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
