import { isoNow } from '../../../src/clock.js';
import { createApiKey, type ApiKeyRole } from '../../../src/store/api-keys.js';
import { createOrganization } from '../../../src/store/organizations.js';
import type { TestRoster } from '../../support/roster.js';

/** A tiny REST client for the API over loopback, answering status, headers and parsed body. */
export interface ApiResponse<T = unknown> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Called with every answer, e.g. to check it against the OpenAPI document. */
export type ResponseCheck = (method: string, path: string, response: ApiResponse) => void;

export function apiClient(baseUrl: string, key: string | undefined, check?: ResponseCheck) {
  const call = async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const answer: ApiResponse<T> = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      body: (text === '' ? undefined : JSON.parse(text)) as T,
    };
    check?.(method, path, answer);
    return answer;
  };
  return {
    call,
    get: <T = unknown>(path: string) => call<T>('GET', path),
    post: <T = unknown>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
    patch: <T = unknown>(path: string, body: unknown) => call<T>('PATCH', path, body),
    put: <T = unknown>(path: string, body: unknown) => call<T>('PUT', path, body),
    delete: <T = unknown>(path: string) => call<T>('DELETE', path),
  };
}

/** An organization made straight in the store, with an API key of the given role. */
export async function organizationWithKey(
  roster: TestRoster,
  slug: string,
  role: ApiKeyRole = 'admin',
  check?: ResponseCheck,
): Promise<{ id: string; slug: string; key: string; api: ApiClient }> {
  const now = isoNow(roster.runtime.clock);
  const org = await createOrganization(roster.runtime.store.db, { slug, name: slug, now });
  const key = await createApiKey(roster.runtime.store.db, {
    organizationId: org.id,
    name: 'test',
    role,
    now,
  });
  return { id: org.id, slug, key: key.key, api: apiClient(roster.url, key.key, check) };
}

export async function operatorKey(roster: TestRoster, check?: ResponseCheck): Promise<ApiClient> {
  const now = isoNow(roster.runtime.clock);
  const key = await createApiKey(roster.runtime.store.db, {
    organizationId: null,
    name: 'operator',
    role: 'admin',
    now,
  });
  return apiClient(roster.url, key.key, check);
}
