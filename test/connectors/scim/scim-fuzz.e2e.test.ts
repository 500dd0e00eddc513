/**
 * Property-based tests over HTTP: random and malformed filters, query parameters, PATCH and POST
 * bodies sent to a running Roster never get a 5xx. Every answer is a 2xx, or a 4xx SCIM Error
 * (RFC 7644 §3.12: the Error schema, `status` as a string) with `Content-Type:
 * application/scim+json`. Runs are bounded so each engine takes a few seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { connectScimWithCli, entraUser, type ScimResponse } from '../../support/scim-client.js';
import { assertEntraResponseRules, type ScimClient } from './entra/replay.js';
import {
  CUSTOM,
  ENTERPRISE,
  PATCH_OP,
  anyFilter,
  entraOperation,
  groupBody,
  patchBody,
  queryParams,
  rawBody,
  typedFilter,
  userBody,
} from './scim-arbitraries.js';

/** 200 keeps each engine at a few seconds; raise SCIM_FUZZ_RUNS to search longer. */
const numRuns = Number(process.env.SCIM_FUZZ_RUNS ?? 200);
/**
 * On a loaded machine a property stops early rather than stretch the file past ~30 s per engine;
 * the runs it did make still count. SCIM_FUZZ_RUNS lifts the limit.
 */
const runLimits = process.env.SCIM_FUZZ_RUNS
  ? { numRuns }
  : { numRuns, interruptAfterTimeLimit: 2_500, markInterruptAsFailure: false };

/** The property every answer must have; the request is named in the message when it fails. */
function assertScimAnswer(res: ScimResponse, described: string): void {
  const request = described.length > 600 ? `${described.slice(0, 600)}…` : described;
  assert.ok(res.status < 500, `${request} → ${res.status} ${JSON.stringify(res.body)}`);
  assert.ok(res.status >= 200, `${request} → ${res.status}`);
  try {
    assertEntraResponseRules(res);
  } catch (error) {
    throw new Error(`${request} → ${res.status} ${JSON.stringify(res.body)}`, { cause: error });
  }
}

// ---- Properties --------------------------------------------------------------------------------

for (const engine of engines) {
  describe(`SCIM over HTTP answers random input with 2xx or a SCIM 4xx, on ${engine}`, () => {
    let server: TestRoster;
    let scim: ScimClient;
    const ids: string[] = [];
    let userId = '';
    let groupId = '';

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
      for (const n of [1, 2, 3]) {
        const res = await scim.post(
          '/Users',
          entraUser(`seed${n}`, {
            phoneNumbers: [{ type: 'mobile', value: `+1 555 010${n}` }],
            [ENTERPRISE]: { employeeNumber: String(n), department: 'R&D' },
            [`${CUSTOM}:attr`]: `v${n}`,
            roles: [
              { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'User', display: 'User' },
            ],
          }),
        );
        assert.equal(res.status, 201, JSON.stringify(res.body));
        ids.push(String(res.body.id));
      }
      userId = ids[0] ?? '';
      const group = await scim.post('/Groups', {
        displayName: 'Fuzzed',
        members: ids.map((value) => ({ value })),
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      groupId = String(group.body.id);
      ids.push(groupId);
    });
    after(() => server.close());

    const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await scim.call(method, path, body, headers);
      assertScimAnswer(res, `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`);
      return res;
    };

    test('any method on any path under the Tenant URL', async () => {
      const segment = fc.oneof(
        fc.constantFrom(
          'Users',
          'Groups',
          'Me',
          'Bulk',
          'Schemas',
          'ResourceTypes',
          'ServiceProviderConfig',
          'no-such-id',
        ),
        fc.string({ maxLength: 10 }).map(encodeURIComponent),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
          fc.array(segment, { minLength: 1, maxLength: 3 }),
          async (method, segments) => {
            await send(
              method,
              `/${segments.join('/')}`,
              method === 'GET' || method === 'DELETE' ? undefined : {},
            );
          },
        ),
        runLimits,
      );
    });

    test('filters on /Users and /Groups', async () => {
      await fc.assert(
        fc.asyncProperty(anyFilter, fc.constantFrom('/Users', '/Groups'), async (filter, endpoint) => {
          await send('GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
        }),
        runLimits,
      );
    });

    test('list query parameters', async () => {
      await fc.assert(
        fc.asyncProperty(queryParams, fc.constantFrom('/Users', '/Groups'), async (query, endpoint) => {
          await send('GET', `${endpoint}?${query}`);
        }),
        runLimits,
      );
    });

    test('attributes and excludedAttributes on a single resource, and odd ids', async () => {
      const ref = fc.oneof(
        fc.constantFrom(`/Users/${userId}`, `/Groups/${groupId}`),
        fc.string({ maxLength: 20 }).map((id) => `/Users/${encodeURIComponent(id)}`),
        fc.string({ maxLength: 20 }).map((id) => `/Groups/${encodeURIComponent(id)}`),
      );
      await fc.assert(
        fc.asyncProperty(ref, queryParams, async (path, query) => {
          await send('GET', `${path}?${query}`);
        }),
        runLimits,
      );
    });

    test('PATCH bodies on a user', async () => {
      await fc.assert(
        fc.asyncProperty(
          patchBody(ids),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant(undefined) },
            fc.constantFrom('*', 'W/"1"', '"x"', 'W/', ''),
          ),
          async (body, ifMatch) => {
            await send(
              'PATCH',
              `/Users/${userId}`,
              body,
              ifMatch === undefined ? {} : { 'if-match': ifMatch },
            );
          },
        ),
        runLimits,
      );
    });

    test('PATCH bodies on a group', async () => {
      await fc.assert(
        fc.asyncProperty(patchBody(ids), async (body) => {
          await send('PATCH', `/Groups/${groupId}`, body);
        }),
        runLimits,
      );
    });

    test('POST and PUT bodies for users', async () => {
      await fc.assert(
        fc.asyncProperty(userBody, fc.constantFrom('POST', 'PUT'), async (body, method) => {
          await send(method, method === 'POST' ? '/Users' : `/Users/${ids[1] ?? ''}`, body);
        }),
        {
          ...runLimits,
          // Found by this property: an extension key holding a string, then one of its attributes.
          examples: [
            [{ ...entraUser('example'), [ENTERPRISE]: 'True', [`${ENTERPRISE}:manager`]: {} }, 'POST'],
          ],
        },
      );
    });

    test('POST and PUT bodies for groups', async () => {
      await fc.assert(
        fc.asyncProperty(groupBody(ids), fc.constantFrom('POST', 'PUT'), async (body, method) => {
          await send(method, method === 'POST' ? '/Groups' : `/Groups/${groupId}`, body);
        }),
        runLimits,
      );
    });

    test('parallel batches of Entra writes and reads', async () => {
      const users = ids.slice(0, 3);
      const request = fc.oneof(
        fc
          .tuple(fc.constantFrom(...users), fc.array(entraOperation(ids), { minLength: 1, maxLength: 3 }))
          .map(([id, ops]) => ['PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: ops }] as const),
        fc
          .array(entraOperation(ids), { minLength: 1, maxLength: 3 })
          .map((ops) => ['PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: ops }] as const),
        typedFilter.map(
          (filter) => ['GET', `/Users?filter=${encodeURIComponent(filter)}`, undefined] as const,
        ),
        fc.constant(['GET', `/Groups/${groupId}`, undefined] as const),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: 2, maxLength: 12 }), async (batch) => {
          await Promise.all(batch.map(([method, path, body]) => send(method, path, body)));
        }),
        { ...runLimits, numRuns: Math.ceil(numRuns / 4) },
      );
    });

    test('bodies that are not JSON or not labelled as JSON', async () => {
      await fc.assert(
        fc.asyncProperty(
          rawBody,
          fc.constantFrom(['POST', '/Users'], ['POST', '/Groups'], ['PATCH', '/Users/'], ['PUT', '/Groups/']),
          async ({ text, contentType }, [method, endpoint]) => {
            const path =
              endpoint === '/Users/'
                ? `/Users/${userId}`
                : endpoint === '/Groups/'
                  ? `/Groups/${groupId}`
                  : endpoint;
            await send(method ?? 'POST', path ?? '/Users', text, { 'content-type': contentType });
          },
        ),
        runLimits,
      );
    });
  });
}
