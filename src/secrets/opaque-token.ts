import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque bearer secrets (SCIM tokens, API keys, sign-in links): 256 random bits, shown once,
 * stored only as a SHA-256 digest. A fast hash is enough here because the input has full entropy;
 * slow password hashes exist for guessable secrets.
 */
export interface IssuedToken {
  /** The secret to show once. */
  token: string;
  hash: string;
  /** The last characters, safe to display so an admin can tell tokens apart. */
  hint: string;
}

export function issueToken(prefix: string): IssuedToken {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), hint: token.slice(-4) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares a presented token against a stored digest without leaking timing. */
export function tokenMatches(presented: string, storedHash: string): boolean {
  const presentedHash = Buffer.from(hashToken(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presentedHash.length === stored.length && timingSafeEqual(presentedHash, stored);
}
