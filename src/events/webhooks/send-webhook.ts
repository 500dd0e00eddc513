import { Webhook } from 'standardwebhooks';

/**
 * One HTTP attempt of a delivery, signed per Standard Webhooks: `webhook-id` (the event id, the
 * same on every retry so receivers can drop duplicates), `webhook-timestamp` (seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`). Redirects are not
 * followed: a receiver that moved must be updated, not chased to wherever it points.
 */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export async function sendWebhook(input: {
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  now: Date;
  timeoutMs: number;
}): Promise<AttemptResult> {
  const signature = new Webhook(input.secret).sign(input.messageId, input.now, input.payload);
  const started = performance.now();
  try {
    const response = await fetch(input.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Roster-Webhooks/1',
        'webhook-id': input.messageId,
        'webhook-timestamp': String(Math.floor(input.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: input.payload,
    });
    // The body is drained so the connection can be reused; its content is not kept.
    await response.arrayBuffer().catch(() => undefined);
    const durationMs = Math.round(performance.now() - started);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, durationMs, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      durationMs: Math.round(performance.now() - started),
      error: describeFetchError(error),
    };
  }
}

/** A short reason for the delivery log; never the request, which carries the signature. */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`.slice(0, 300);
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
