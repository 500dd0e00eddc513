import assert from 'node:assert/strict';
import { rosterJson } from './cli.js';

/** A tiny SCIM client speaking as Entra does: bearer token, application/scim+json. */
export interface ScimResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
}

export function scimClient(tenantUrl: string, token: string) {
  const base = tenantUrl.split('?')[0] ?? tenantUrl;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResponse> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? {} : (JSON.parse(text) as ScimResponse['body']),
    };
  };
  return {
    base,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
    call,
  };
}

/**
 * An organization and its SCIM connection, made with the CLI as the README does, and a client
 * speaking to it with the connection's first token.
 */
export async function connectScimWithCli(env: NodeJS.ProcessEnv, slug = 'acme', name = 'Acme Corp') {
  await rosterJson(['org', 'create', slug, '--name', name], env);
  const connected = await rosterJson<{ connectionId: string; tenantUrl: string; token: string }>(
    ['scim', 'connect', slug],
    env,
  );
  return { ...connected, scim: scimClient(connected.tenantUrl, connected.token) };
}

export const patchOp = (...operations: Record<string, unknown>[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: operations,
});

/** The user Entra creates in Microsoft's "Create User" example, with its default mappings. */
export function entraUser(n: number | string, overrides: Record<string, unknown> = {}) {
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: `0a21f0f2-8d2a-4f8e-bf98-7363c4aed4e${String(n).slice(-1)}-${n}`,
    userName: `Test_User_${n}@testuser.com`,
    active: true,
    emails: [{ primary: true, type: 'work', value: `Test_User_${n}@testuser.com` }],
    meta: { resourceType: 'User' },
    name: { formatted: `givenName familyName ${n}`, familyName: 'familyName', givenName: 'givenName' },
    roles: [],
    ...overrides,
  };
}

/** The id of the resource a POST created; any answer but 201 fails the test, showing the answer. */
export function createdId(res: ScimResponse): string {
  assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 500));
  return String(res.body.id);
}

/** A SCIM `filter` query parameter. */
export const filterQuery = (filter: string) => `filter=${encodeURIComponent(filter)}`;
