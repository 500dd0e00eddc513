/**
 * Authorization codes between `/authorize` and `/token`. Single use (a second redemption is
 * AADSTS54005) and short-lived (ten minutes, as Entra's codes), bound to the client, redirect
 * URI and PKCE challenge of the request that produced them.
 */
import { randomBytes } from 'node:crypto';

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  userIndex: number;
  scope: string;
  nonce: string | null;
  codeChallenge: string;
  issuedAtMs: number;
}

export type CodeLookup = { kind: 'valid'; grant: CodeGrant } | { kind: 'redeemed' } | { kind: 'unknown' };

const codeLifetimeMs = 10 * 60 * 1000;

export class AuthorizationCodes {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #redeemed = new Set<string>();

  issue(grant: CodeGrant): string {
    const code = `1.A${randomBytes(48).toString('base64url')}`;
    this.#codes.set(code, grant);
    return code;
  }

  redeem(code: string, nowMs: number): CodeLookup {
    if (this.#redeemed.has(code)) return { kind: 'redeemed' };
    const grant = this.#codes.get(code);
    if (!grant) return { kind: 'unknown' };
    this.#codes.delete(code);
    if (nowMs - grant.issuedAtMs > codeLifetimeMs) return { kind: 'unknown' };
    this.#redeemed.add(code);
    return { kind: 'valid', grant };
  }
}
