import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';

/**
 * One HTTP attempt of a delivery, signed per Standard Webhooks: `webhook-id` (the event id, the
 * same on every retry so receivers can drop duplicates), `webhook-timestamp` (seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`). Redirects are not
 * followed: a receiver that moved must be updated, not chased to wherever it points.
 *
 * node:http with keep-alive agents rather than fetch: on loopback it sends several times as many
 * requests per second, which is what a burst of changes needs.
 */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** Connection pools for one worker; `destroy` closes their idle sockets when it stops. */
export interface WebhookAgents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

/**
 * Unless `allowPrivate`, the agents refuse to connect to loopback, private, link-local and cloud
 * metadata addresses (request-filtering-agent). The check runs on the address DNS answered at
 * connect time, so a public name that resolves to an internal address is refused too.
 */
export function createWebhookAgents(maxSockets: number, allowPrivate: boolean): WebhookAgents {
  const filter = { allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: allowPrivate };
  const agents = {
    http: new RequestFilteringHttpAgent({ keepAlive: true, maxSockets, ...filter }),
    https: new RequestFilteringHttpsAgent({ keepAlive: true, maxSockets, ...filter }),
  };
  return {
    ...agents,
    destroy: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export async function sendWebhook(input: {
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  now: Date;
  timeoutMs: number;
  agents: WebhookAgents;
}): Promise<AttemptResult> {
  const signature = new Webhook(input.secret).sign(input.messageId, input.now, input.payload);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(input.payload)),
    'user-agent': 'Roster-Webhooks/1',
    'webhook-id': input.messageId,
    'webhook-timestamp': String(Math.floor(input.now.getTime() / 1000)),
    'webhook-signature': signature,
  };
  const started = performance.now();
  try {
    const statusCode = await post(new URL(input.url), headers, input.payload, input.timeoutMs, input.agents);
    const durationMs = Math.round(performance.now() - started);
    const ok = statusCode >= 200 && statusCode < 300;
    return { ok, statusCode, durationMs, error: ok ? null : `HTTP ${statusCode}` };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      durationMs: Math.round(performance.now() - started),
      error: describeError(error),
    };
  }
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  agents: WebhookAgents,
): Promise<number> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        headers,
        agent: secure ? agents.https : agents.http,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        // The body is drained so the connection can be reused; its content is not kept.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A short reason for the delivery log; never the request, which carries the signature. */
function describeError(error: unknown): string {
  const coded = error as { code?: string; name?: string; message?: string };
  if (coded.code === 'ABORT_ERR' || coded.name === 'AbortError') return 'timed out';
  const message = coded.message ?? String(error);
  const refused = /^DNS lookup (\S+?)\(.*is not allowed\. Because,? It is (?:private|meta) IP address/.exec(
    message,
  );
  if (refused) {
    return `refused: ${refused[1]} is not a public address (ROSTER_WEBHOOKS_ALLOW_PRIVATE=on allows it)`;
  }
  return (coded.code && !message.includes(coded.code) ? `${coded.code}: ${message}` : message).slice(0, 300);
}
