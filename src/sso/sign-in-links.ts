import { issueToken, hashToken } from '../secrets/opaque-token.js';
import type { Executor } from '../store/database.js';

/**
 * One-time operator sign-in links (`roster admin link`). The operator of an installation gets in
 * without Entra and without a default password: whoever can run the CLI against the database
 * can mint a link, which is the same trust as reading the database. A link works once, within
 * its lifetime, and is stored only as a digest.
 */
export const linkLifetimeMs = 15 * 60 * 1000;

export async function createSignInLink(
  db: Executor,
  input: { publicUrl: string; organizationId: string | null; now: Date; lifetimeMs?: number },
): Promise<{ url: string; expiresAt: string }> {
  const issued = issueToken('link');
  const expiresAt = new Date(input.now.getTime() + (input.lifetimeMs ?? linkLifetimeMs)).toISOString();
  await db
    .insertInto('sign_in_links')
    .values({
      token_hash: issued.hash,
      organization_id: input.organizationId,
      created_at: input.now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  // The token rides in the fragment, which browsers never send: it stays out of access logs,
  // proxies and Referer headers. The portal's page posts it to /auth/link.
  return { url: `${input.publicUrl}/sign-in/link#${issued.token}`, expiresAt };
}

/**
 * Spends a link: marks it used in the same statement that checks it is unused and unexpired, so
 * two browsers racing with one link cannot both get in. Returns its organization (null: any).
 */
export async function redeemSignInLink(
  db: Executor,
  token: string,
  now: Date,
): Promise<{ organizationId: string | null } | undefined> {
  const at = now.toISOString();
  const hash = hashToken(token);
  const result = await db
    .updateTable('sign_in_links')
    .set({ used_at: at })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  const row = await db
    .selectFrom('sign_in_links')
    .select('organization_id')
    .where('token_hash', '=', hash)
    .executeTakeFirstOrThrow();
  return { organizationId: row.organization_id };
}
