/**
 * Opaque `$skiptoken` / `$deltatoken` values. Graph documents them as opaque state that "encode[s]
 * and include[s] other query parameters (such as `$select`)" (delta-query-overview, State tokens).
 * Here: base64url(JSON) + "." + HMAC-SHA256 under a key made at start, so clients cannot forge or
 * edit them, and tokens from an earlier emulator process are recognised as foreign.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class StateTokens {
  readonly #key = randomBytes(32);

  seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The payload, or null when the token was not sealed by this emulator instance. */
  open(token: string): unknown {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.#mac(body));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url').slice(0, 22);
  }
}
