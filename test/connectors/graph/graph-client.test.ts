import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoff, createGraphClient, retryAfterMs } from '../../../src/connectors/graph/graph-client.js';
import { GraphError } from '../../../src/connectors/graph/graph-error.js';

/** A fetch that answers from a script and records what it was asked. */
function scriptedFetch(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    calls.push({ url, headers: { ...(init?.headers as Record<string, string>) } });
    const answer = answers.shift() ?? { status: 500 };
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: answer.headers ?? {},
    });
  };
  return { calls, fetch: fetch as unknown as typeof globalThis.fetch };
}

function clientWith(answers: Parameters<typeof scriptedFetch>[0]) {
  const scripted = scriptedFetch(answers);
  const sleeps: number[] = [];
  const tokens: boolean[] = [];
  const client = createGraphClient({
    graphUrl: 'https://graph.example.test',
    tokens: {
      getToken: async (options) => {
        tokens.push(options?.forceRefresh === true);
        return tokens.length === 1 ? 'stale' : 'fresh';
      },
    },
    fetch: scripted.fetch,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, calls: scripted.calls, sleeps, tokens };
}

describe('the Graph client', () => {
  test('asks for low throttle priority and sends the token', async () => {
    const { client, calls } = clientWith([{ status: 200, body: { value: [] } }]);
    await client.get('/users/delta?$select=id');
    assert.equal(calls[0]?.url, 'https://graph.example.test/v1.0/users/delta?$select=id');
    assert.equal(calls[0]?.headers['x-ms-throttle-priority'], 'Low');
    assert.equal(calls[0]?.headers.authorization, 'Bearer stale');
  });

  test('waits for Retry-After on 429 and retries', async () => {
    const { client, sleeps } = clientWith([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 200, body: { ok: true } },
    ]);
    assert.deepEqual(await client.get('/users'), { ok: true });
    assert.deepEqual(sleeps, [3000]);
  });

  test('backs off exponentially when 503 and 504 carry no Retry-After', async () => {
    const { client, sleeps } = clientWith([{ status: 503 }, { status: 504 }, { status: 200, body: {} }]);
    await client.get('/groups');
    assert.equal(sleeps.length, 2);
    assert.ok((sleeps[0] ?? 0) >= 250 && (sleeps[0] ?? 0) <= 500);
    assert.ok((sleeps[1] ?? 0) >= 500 && (sleeps[1] ?? 0) <= 1000);
  });

  test('gets a fresh token once after a 401', async () => {
    const { client, calls, tokens } = clientWith([{ status: 401 }, { status: 200, body: {} }]);
    await client.get('/users');
    assert.deepEqual(tokens, [false, true, false]);
    assert.equal(calls[1]?.headers.authorization, 'Bearer fresh');
  });

  test('translates Graph errors with their code, once', async () => {
    const { client } = clientWith([
      {
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
      },
    ]);
    await assert.rejects(client.get('/users'), (error: unknown) => {
      assert.ok(error instanceof GraphError);
      assert.equal(error.code, 'forbidden');
      assert.equal(error.graphCode, 'Authorization_RequestDenied');
      assert.match(error.remedy ?? '', /Grant admin consent/);
      return true;
    });
  });

  test('recognises an expired delta token', async () => {
    const { client } = clientWith([
      { status: 410, body: { error: { code: 'syncStateNotFound', message: 'gone' } } },
    ]);
    await assert.rejects(
      client.get('/users/delta'),
      (error: unknown) => error instanceof GraphError && error.isSyncStateLost,
    );
  });

  test('refuses to send its token to a link on another host', async () => {
    const { client, calls } = clientWith([]);
    await assert.rejects(client.get('https://evil.example/v1.0/users'), { graphCode: 'foreign_link' });
    assert.equal(calls.length, 0);
  });

  test('reads Retry-After as seconds or a date, capped', () => {
    assert.equal(retryAfterMs('2', 60_000), 2000);
    assert.equal(retryAfterMs('600', 60_000), 60_000);
    assert.equal(retryAfterMs(null, 60_000), undefined);
    const date = new Date(Date.now() + 5000).toUTCString();
    assert.ok((retryAfterMs(date, 60_000) ?? 0) > 3000);
    assert.ok(backoff(10, 500, 30_000) <= 30_000);
  });
});
