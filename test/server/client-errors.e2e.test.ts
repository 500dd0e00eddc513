import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestRoster, type TestRoster } from '../support/roster.js';

/** Sends raw bytes and reads the whole answer: status, headers and JSON body. */
async function rawRequest(url: string, request: string) {
  const { hostname, port } = new URL(url);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = new Map(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 2),
    ]),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: JSON.parse(body) as Record<string, unknown>,
  };
}

describe('requests refused by the HTTP parser', () => {
  let roster: TestRoster;
  before(async () => (roster = await startTestRoster('sqlite')));
  after(() => roster.close());

  const longFilter = `userName eq "${'a'.repeat(20_000)}"`;

  test('a SCIM URL over 16 KB gets a SCIM error', async () => {
    const answer = await rawRequest(
      roster.url,
      `GET /scim/v2/some-connection/Users?filter=${encodeURIComponent(longFilter)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    assert.equal(answer.status, 431);
    assert.equal(answer.headers.get('content-type'), 'application/scim+json');
    assert.deepEqual(answer.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(answer.body.status, '431');
    assert.match(String(answer.body.detail), /16 KB/);
  });

  test('a REST API URL over 16 KB gets problem details', async () => {
    const answer = await rawRequest(
      roster.url,
      `GET /api/v1/users?search=${'b'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    assert.equal(answer.status, 431);
    assert.equal(answer.headers.get('content-type'), 'application/problem+json');
    assert.equal(answer.body.type, 'urn:roster:problem:headers-too-large');
    assert.equal(answer.body.instance, '/api/v1/users');
  });

  test('a request that is not HTTP gets 400', async () => {
    const answer = await rawRequest(roster.url, 'HELLO\r\n\r\n');
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('content-type'), 'application/json');
  });
});
