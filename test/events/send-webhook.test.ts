import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, mock, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createWebhookAgents, sendWebhook } from '../../src/events/webhooks/send-webhook.js';
import { nextRetryDelayMs, defaultRetryScheduleMs } from '../../src/events/webhooks/retry-schedule.js';
import { freePort } from '../support/roster.js';

describe('one webhook attempt', () => {
  let server: http.Server;
  let base: string;
  // The receiver is on loopback: private targets allowed here, refused in the test below.
  const agents = createWebhookAgents(4, true);
  const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const send = (path: string, timeoutMs = 2_000) =>
    sendWebhook({
      url: `${base}${path}`,
      secret,
      messageId: 'msg_1',
      payload: '{"a":1}',
      now: new Date(),
      timeoutMs,
      agents,
    });

  before(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        // `/slow` never answers.
        if (request.url === '/slow') return;
        if (request.url === '/moved') {
          response.writeHead(302, { location: 'http://example.com/' }).end();
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        );
        const verified = (() => {
          try {
            new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), headers);
            return true;
          } catch {
            return false;
          }
        })();
        response.writeHead(verified ? 200 : 400).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    agents.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('signs so that the receiver verifies it', async () => {
    const result = await send('/ok');
    assert.deepEqual(
      { ok: result.ok, statusCode: result.statusCode, error: result.error },
      { ok: true, statusCode: 200, error: null },
    );
  });

  test('does not follow a redirect: it is a failed attempt', async () => {
    const result = await send('/moved');
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, 302);
    assert.equal(result.error, 'HTTP 302');
  });

  test('gives up on a receiver that does not answer in time', async () => {
    const result = await send('/slow', 200);
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error, 'timed out');
    assert.ok(result.durationMs >= 190);
  });

  test('records a refused connection', async () => {
    const port = await freePort();
    const result = await sendWebhook({
      url: `http://127.0.0.1:${port}/`,
      secret,
      messageId: 'm',
      payload: '{}',
      now: new Date(),
      timeoutMs: 1000,
      agents,
    });
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  test('by default refuses to connect to a non-public address, also behind a name', async () => {
    const guarded = createWebhookAgents(4, false);
    const received: string[] = [];
    const listener = (request: http.IncomingMessage) => received.push(request.url ?? '');
    server.on('request', listener);
    try {
      const port = (server.address() as AddressInfo).port;
      for (const url of [`${base}/ok`, `http://localhost:${port}/ok`]) {
        const result = await sendWebhook({
          url,
          secret,
          messageId: 'm',
          payload: '{}',
          now: new Date(),
          timeoutMs: 1000,
          agents: guarded,
        });
        assert.equal(result.ok, false);
        assert.equal(result.statusCode, null);
        assert.match(
          result.error ?? '',
          /^refused: .* is not a public address \(ROSTER_WEBHOOKS_ALLOW_PRIVATE=on/,
        );
      }
      assert.deepEqual(received, [], 'nothing reached the receiver');
    } finally {
      server.off('request', listener);
      guarded.destroy();
    }
  });
  test('refuses a fully qualified loopback name (trailing dot) once it resolves, as any other name', async () => {
    const guarded = createWebhookAgents(4, false);
    const received: string[] = [];
    const listener = (request: http.IncomingMessage) => received.push(request.url ?? '');
    server.on('request', listener);
    // Whether `localhost.` resolves depends on the host's resolver (systemd-resolved answers it);
    // here it answers loopback, as there, so the check on the resolved address is what is tested.
    // The agent imports node:dns as an ES module: its bindings follow the mock once synced.
    const lookup = mock.method(dns, 'lookup', ((
      _hostname: string,
      options: dns.LookupOptions,
      callback: (error: null, address: string | dns.LookupAddress[], family?: number) => void,
    ) => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as typeof dns.lookup);
    syncBuiltinESMExports();
    try {
      const port = (server.address() as AddressInfo).port;
      for (const host of ['localhost.', 'foo.localhost.']) {
        const result = await sendWebhook({
          url: `http://${host}:${port}/ok`,
          secret,
          messageId: 'm',
          payload: '{}',
          now: new Date(),
          timeoutMs: 1000,
          agents: guarded,
        });
        assert.equal(result.ok, false, host);
        assert.match(result.error ?? '', /^refused: 127\.0\.0\.1 is not a public address/, host);
      }
      assert.ok(lookup.mock.callCount() >= 2, 'the names were resolved, then refused');
      assert.deepEqual(received, [], 'nothing reached the receiver');
    } finally {
      lookup.mock.restore();
      syncBuiltinESMExports();
      server.off('request', listener);
      guarded.destroy();
    }
  });
});

describe('the retry schedule', () => {
  test('retries for more than 24 hours before giving up', () => {
    const total = defaultRetryScheduleMs.reduce((sum, ms) => sum + ms, 0);
    assert.ok(total > 24 * 3_600_000, `${total} ms`);
    assert.equal(
      nextRetryDelayMs(defaultRetryScheduleMs, 1, () => 0),
      5_000,
    );
    assert.equal(nextRetryDelayMs(defaultRetryScheduleMs, defaultRetryScheduleMs.length + 1), undefined);
  });

  test('jitters each wait by at most 10%', () => {
    assert.equal(
      nextRetryDelayMs([1000], 1, () => 1),
      1100,
    );
  });
});
