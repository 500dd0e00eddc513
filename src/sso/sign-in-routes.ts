import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../runtime.js';
import { hashToken } from '../secrets/opaque-token.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { appendAudit } from '../store/audit.js';
import { findOrganization } from '../store/organizations.js';
import { checkEntraClaims } from './check-entra-claims.js';
import { authorizationCodeGrant, buildSignInRequest, type EntraDiscoveryCache } from './entra-oidc.js';
import { matchPortalUser } from './match-portal-user.js';
import { operatorRole } from './portal-role.js';
import { clearCookie, cookieNames, isSecure, readCookies, setCookie } from './session-cookies.js';
import { createSession, sessionLifetimeMs, sweepExpired, type NewSession } from './sessions.js';
import { redeemSignInLink } from './sign-in-links.js';
import { SsoError } from './sso-error.js';
import { findSsoSettings } from './sso-settings.js';

/**
 * The browser-facing sign-in steps: start an Entra sign-in, take Entra's callback, and spend an
 * operator's one-time link. The Entra steps end in a redirect: into the portal, or to its sign-in
 * page with an error code and a message the person can act on.
 */
const signInLifetimeMs = 10 * 60 * 1000;

export function registerSignInRoutes(
  app: FastifyInstance,
  runtime: Runtime,
  box: SecretBox,
  cache: EntraDiscoveryCache,
): void {
  const secure = isSecure(runtime.config.publicUrl);
  const names = cookieNames(secure);
  const db = runtime.store.db;

  app.get<{ Querystring: { org: string; login_hint?: string; return_to?: string } }>(
    '/sign-in',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['org'],
          properties: {
            org: { type: 'string', minLength: 1, maxLength: 100 },
            login_hint: { type: 'string', maxLength: 320 },
            return_to: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) =>
      redirectOnSsoError(reply, async () => {
        const organization = await findOrganization(db, request.query.org);
        const settings = organization && (await findSsoSettings(db, box, organization.id));
        if (!organization || !settings?.enabled) {
          throw new SsoError(
            'sso_not_configured',
            'Sign-in with Microsoft is not set up for this organization',
          );
        }
        const now = runtime.clock.now();
        const config = await cache.configurationFor(settings, now.getTime());
        const pending = await buildSignInRequest(
          config,
          `${runtime.config.publicUrl}/auth/callback`,
          request.query.login_hint,
        );
        const attemptId = randomBytes(32).toString('base64url');
        await sweepExpired(db, now);
        await db
          .insertInto('sso_sign_ins')
          .values({
            id_hash: hashToken(attemptId),
            organization_id: organization.id,
            state: pending.state,
            nonce: pending.nonce,
            code_verifier: pending.codeVerifier,
            return_to: safeReturnTo(request.query.return_to),
            expires_at: new Date(now.getTime() + signInLifetimeMs).toISOString(),
          })
          .execute();
        setCookie(reply, secure, names.signIn, attemptId, {
          httpOnly: true,
          maxAgeSeconds: signInLifetimeMs / 1000,
        });
        return reply.redirect(pending.url.href);
      }),
  );

  app.get('/callback', async (request, reply) =>
    redirectOnSsoError(reply, async () => {
      const attemptId = readCookies(request)[names.signIn];
      clearCookie(reply, secure, names.signIn, true);
      const now = runtime.clock.now();
      const attempt =
        attemptId === undefined
          ? undefined
          : await db
              .deleteFrom('sso_sign_ins')
              .where('id_hash', '=', hashToken(attemptId))
              .where('expires_at', '>', now.toISOString())
              .returningAll()
              .executeTakeFirst();
      if (!attempt) {
        throw new SsoError(
          'sign_in_expired',
          'This sign-in expired or was started in another browser; please start again',
        );
      }
      const settings = await findSsoSettings(db, box, attempt.organization_id);
      if (!settings?.enabled)
        throw new SsoError(
          'sso_not_configured',
          'Sign-in with Microsoft is not set up for this organization',
        );
      const config = await cache.configurationFor(settings, now.getTime());
      // Built from the public URL, not the Host header: behind a proxy they differ, and the token
      // request must repeat the redirect URI exactly as registered.
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const callbackUrl = new URL(`${runtime.config.publicUrl}/auth/callback${query}`);
      const claims = await authorizationCodeGrant(config, callbackUrl, {
        state: attempt.state,
        nonce: attempt.nonce,
        codeVerifier: attempt.code_verifier,
      });
      const identity = checkEntraClaims(claims, settings);
      const { user, role } = await matchPortalUser(db, attempt.organization_id, identity);
      const displayName =
        user.display_name ?? (`${user.given_name} ${user.family_name}`.trim() || user.email);
      await startSession(reply, {
        kind: 'user',
        organizationId: attempt.organization_id,
        userId: user.id,
        displayName,
        role,
      });
      return reply.redirect(attempt.return_to);
    }),
  );

  app.post<{ Body: { token: string } }>(
    '/link',
    {
      schema: {
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const redeemed = await redeemSignInLink(db, request.body.token, runtime.clock.now());
      if (!redeemed) {
        return reply.status(400).send({
          error: 'link_invalid',
          message: 'This sign-in link was already used or has expired; run `roster admin link` again',
        });
      }
      await startSession(reply, {
        kind: 'operator',
        organizationId: redeemed.organizationId,
        userId: null,
        displayName: 'Operator',
        role: operatorRole,
      });
      return { signedIn: true };
    },
  );

  async function startSession(reply: FastifyReply, input: NewSession): Promise<void> {
    const now = runtime.clock.now();
    const { sessionId, session } = await createSession(db, input, now);
    if (input.organizationId !== null) {
      await appendAudit(
        db,
        input.organizationId,
        { type: input.kind === 'operator' ? 'admin' : 'sso', id: input.userId },
        [
          {
            action: 'portal.signed_in',
            targetType: 'user',
            targetId: input.userId,
            after: { role: input.role, kind: input.kind },
          },
        ],
        now.toISOString(),
      );
    }
    const maxAgeSeconds = sessionLifetimeMs / 1000;
    setCookie(reply, secure, names.session, sessionId, { httpOnly: true, maxAgeSeconds });
    setCookie(reply, secure, names.csrf, session.csrfToken, { httpOnly: false, maxAgeSeconds });
  }

  async function redirectOnSsoError(
    reply: FastifyReply,
    work: () => Promise<FastifyReply>,
  ): Promise<FastifyReply> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof SsoError)) throw error;
      reply.log.info(
        { code: error.code, cause: error.cause instanceof Error ? error.cause.message : undefined },
        error.message,
      );
      const params = new URLSearchParams({ error: error.code, message: error.message });
      return reply.redirect(`/sign-in?${params.toString()}`);
    }
  }
}

/**
 * Only same-origin paths: anything else here would be an open redirect. Browsers drop tabs and
 * newlines from a Location and read `\\` as `/`, so a prefix check is not enough: the value is
 * resolved the way a browser would, and only its path, query and fragment are kept.
 */
export function safeReturnTo(raw: string | undefined): string {
  if (raw === undefined || !raw.startsWith('/')) return '/';
  const base = 'http://roster.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== base || path.startsWith('//') || path.startsWith('/\\')) return '/';
  return path;
}
