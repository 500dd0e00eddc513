/**
 * The emulator's token-signing key: one RSA-2048 key per start, published in the JWKS at
 * `/{tenant}/discovery/v2.0/keys`. Entra signs access and ID tokens with RS256 and names the key
 * by `kid` (and `x5t`, the same value); verifiers pick the key by `kid`.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

export class SigningKey {
  readonly kid: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  private constructor(privateKey: KeyObject, publicKey: KeyObject) {
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha1').update(der).digest('base64url');
  }

  static generate(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return new SigningKey(privateKey, publicKey);
  }

  async sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.kid, x5t: this.kid })
      .sign(this.#privateKey);
  }

  /** Verifies signature and lifetime; audience and issuer checks are the caller's. */
  async verify(token: string, now: Date): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.#publicKey, { algorithms: ['RS256'], currentDate: now });
    return payload;
  }

  async jwks(issuer: string): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(this.#publicKey);
    return {
      keys: [{ kty: jwk.kty, use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, issuer } as JWK],
    };
  }
}
