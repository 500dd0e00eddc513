/**
 * Replays Microsoft's documented SCIM requests (fixtures/*.json) against a running Roster and
 * checks the answers: the status, the fields of Microsoft's example response that a conforming
 * server must echo, and the rules every Entra-facing answer obeys (entra.md checklist):
 * `Content-Type: application/scim+json`, an `id` on every returned resource, SCIM errors with
 * `status` as a string.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ScimResponse, scimClient } from '../../../support/scim-client.js';

export type ScimClient = ReturnType<typeof scimClient>;

export interface ExampleStep {
  /** Microsoft's heading for a documented example, or what an extra step checks. */
  name: string;
  /** false for steps that read back what a documented request changed. */
  documented?: boolean;
  /** Anchor of the example in the source document. */
  anchor?: string;
  notes?: string;
  request: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: string;
    /** Query parameters as Entra means them, percent-encoded when sent. */
    query?: Record<string, string>;
    body?: unknown;
  };
  response: {
    status: number;
    /** A deep subset of the response body: objects may hold more keys, arrays must match item by item. */
    body?: Record<string, unknown>;
    /** Dotted paths that must be present (`meta.created`, `Resources.0.id`). */
    present?: string[];
    /** Dotted paths that must be absent. */
    absent?: string[];
  };
  /** Values of the response kept for later steps: variable name → dotted path. */
  save?: Record<string, string>;
}

export interface ExampleFile {
  source: { repo: string; path: string; commit: string; section: string };
  notes: string[];
  steps: ExampleStep[];
}

export function loadExamples(name: string): ExampleFile {
  const file = path.join(import.meta.dirname, 'fixtures', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ExampleFile;
}

/** Microsoft's ids are placeholders: `{{name}}` in any string becomes the id Roster gave. */
export function substitute<T>(value: T, vars: Readonly<Record<string, string>>): T {
  const replace = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const found = vars[name];
      if (found === undefined) throw new Error(`No value for {{${name}}} yet`);
      return found;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replace(node);
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null)
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [replace(key), walk(inner)]));
    return node;
  };
  return walk(value) as T;
}

export function pathWithQuery(pathname: string, query: Record<string, string> | undefined): string {
  if (query === undefined) return pathname;
  const pairs = Object.entries(query).map(
    ([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
  );
  return `${pathname}?${pairs.join('&')}`;
}

/** Sends one step and checks its answer; returns the response. `vars` receives the saved values. */
export async function replayStep(
  scim: ScimClient,
  step: ExampleStep,
  vars: Record<string, string>,
): Promise<ScimResponse> {
  const request = substitute(step.request, vars);
  const expected = substitute(step.response, vars);
  const res = await scim.call(request.method, pathWithQuery(request.path, request.query), request.body);
  assert.equal(res.status, expected.status, `${step.name}: ${JSON.stringify(res.body)}`);
  assertEntraResponseRules(res);
  if (expected.body !== undefined) assertSubset(res.body, expected.body, 'body');
  for (const dotted of expected.present ?? [])
    assert.notEqual(valueAt(res.body, dotted), undefined, `${dotted} is present`);
  for (const dotted of expected.absent ?? [])
    assert.equal(valueAt(res.body, dotted), undefined, `${dotted} is absent`);
  for (const [name, dotted] of Object.entries(step.save ?? {})) {
    const value = valueAt(res.body, dotted);
    assert.equal(typeof value, 'string', `${dotted} is a string to keep as {{${name}}}`);
    vars[name] = value as string;
  }
  return res;
}

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * What Microsoft asks of every answer: "The header for all the responses should be of
 * content-Type: application/scim+json"; "`id` is a required property for all resources"; the SCIM
 * Error `status` is a string (RFC 7644 §3.12).
 */
export function assertEntraResponseRules(res: ScimResponse): void {
  if (res.status === 204) {
    assert.deepEqual(res.body, {}, '204 has no body');
    return;
  }
  assert.match(res.headers.get('content-type') ?? '', /^application\/scim\+json/, 'Content-Type');
  const schemas = Array.isArray(res.body.schemas) ? (res.body.schemas as unknown[]) : [];
  if (res.status >= 400) {
    assert.deepEqual(schemas, [ERROR_SCHEMA], 'a SCIM Error body');
    assert.equal(res.body.status, String(res.status), 'status is the HTTP status as a string');
    return;
  }
  if (schemas.includes(LIST_SCHEMA)) {
    assert.ok(Array.isArray(res.body.Resources), 'a ListResponse holds Resources');
    assert.equal(typeof res.body.totalResults, 'number');
    for (const resource of res.body.Resources ?? [])
      assert.equal(typeof resource.id, 'string', 'every listed resource has an id');
    return;
  }
  const resourceType = (res.body.meta as { resourceType?: unknown } | undefined)?.resourceType;
  if (resourceType === 'User' || resourceType === 'Group')
    assert.equal(typeof res.body.id, 'string', 'every returned resource has an id');
}

/** `a.b.0.c` into a JSON value. */
export function valueAt(value: unknown, dotted: string): unknown {
  let node = value;
  for (const part of dotted.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Objects: every expected key matches, more keys are allowed. Arrays: same length, item by item. */
export function assertSubset(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where} is a list: ${JSON.stringify(actual)}`);
    assert.equal(
      actual.length,
      expected.length,
      `${where} has ${expected.length} items: ${JSON.stringify(actual)}`,
    );
    expected.forEach((item, index) => assertSubset(actual[index], item, `${where}[${index}]`));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    assert.ok(
      typeof actual === 'object' && actual !== null && !Array.isArray(actual),
      `${where} is an object: ${JSON.stringify(actual)}`,
    );
    for (const [key, inner] of Object.entries(expected))
      assertSubset((actual as Record<string, unknown>)[key], inner, `${where}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}

/** A client whose every answer is checked against the rules of `assertEntraResponseRules`. */
export function checkedClient(scim: ScimClient): ScimClient {
  const call: ScimClient['call'] = async (...args) => {
    const res = await scim.call(...args);
    assertEntraResponseRules(res);
    return res;
  };
  return {
    base: scim.base,
    call,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
  };
}
