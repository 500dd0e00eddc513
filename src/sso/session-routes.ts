import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertMayOverrideHosts } from '../connectors/graph/clouds.js';
import { isoNow } from '../clock.js';
import { RosterError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { appendAudit } from '../store/audit.js';
import { findOrganization, getOrganization, listOrganizations } from '../store/organizations.js';
import { checkCsrf, findRequestSession } from './portal-principal.js';
import { canChange } from './portal-role.js';
import { clearCookie, cookieNames, isSecure } from './session-cookies.js';
import { deleteSession, switchSessionOrganization, type PortalSession } from './sessions.js';
import { getSsoSettingsView, redirectUris, saveSsoSettings, type SsoSettingsInput } from './sso-settings.js';

/**
 * JSON routes the portal calls about its own session: who am I, sign out, switch organization
 * (operators), and the organization's SSO settings. Errors are `{ error, message }` with the
 * status of the RosterError code.
 */
export function registerSessionRoutes(app: FastifyInstance, runtime: Runtime, box: SecretBox): void {
  const secure = isSecure(runtime.config.publicUrl);
  const names = cookieNames(secure);
  const db = runtime.store.db;

  async function requireSession(
    request: FastifyRequest,
  ): Promise<{ sessionId: string; session: PortalSession }> {
    const found = await findRequestSession(runtime, request);
    if (!found) throw new RosterError('unauthorized', 'Sign in to use the portal');
    checkCsrf(runtime, request, found.session);
    return found;
  }

  function requireOrganization(session: PortalSession): string {
    if (session.organizationId === null)
      throw new RosterError('invalid_input', 'Choose an organization first');
    return session.organizationId;
  }

  app.get('/session', async (request) => {
    const { session } = await requireSession(request);
    const organization =
      session.organizationId === null ? null : await findOrganization(db, session.organizationId);
    return {
      kind: session.kind,
      displayName: session.displayName,
      role: session.role,
      canChange: canChange(session.role),
      organization: organization
        ? { id: organization.id, slug: organization.slug, name: organization.name }
        : null,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  });

  app.post('/logout', async (request, reply) => {
    const found = await findRequestSession(runtime, request);
    if (found) {
      checkCsrf(runtime, request, found.session);
      await deleteSession(db, found.sessionId);
    }
    clearCookie(reply, secure, names.session, true);
    clearCookie(reply, secure, names.csrf, false);
    return { signedOut: true };
  });

  app.get('/organizations', async (request) => {
    const { session } = await requireSession(request);
    if (session.kind !== 'operator')
      throw new RosterError('forbidden', 'Only the operator can list organizations');
    return { organizations: (await listOrganizations(db)).map(({ id, slug, name }) => ({ id, slug, name })) };
  });

  app.post<{ Body: { organization: string } }>(
    '/session/organization',
    {
      schema: {
        body: {
          type: 'object',
          required: ['organization'],
          additionalProperties: false,
          properties: { organization: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
    async (request) => {
      const { sessionId, session } = await requireSession(request);
      if (session.kind !== 'operator')
        throw new RosterError('forbidden', 'Only the operator can switch organizations');
      const organization = await getOrganization(db, request.body.organization);
      await switchSessionOrganization(db, sessionId, organization.id);
      return { organization: { id: organization.id, slug: organization.slug, name: organization.name } };
    },
  );

  app.get('/settings', async (request) => {
    const { session } = await requireSession(request);
    const settings = await getSsoSettingsView(db, requireOrganization(session));
    return {
      settings: settings ?? null,
      redirectUris: redirectUris(runtime.config.publicUrl, settings?.clientId),
    };
  });

  app.put<{ Body: SsoSettingsInput }>(
    '/settings',
    {
      schema: {
        body: {
          type: 'object',
          required: ['tenantId', 'clientId'],
          additionalProperties: false,
          properties: {
            tenantId: { type: 'string', maxLength: 100 },
            clientId: { type: 'string', maxLength: 100 },
            clientSecret: { type: 'string', maxLength: 1000 },
            cloud: { type: 'string', maxLength: 20 },
            loginUrl: { type: 'string', maxLength: 500 },
            enabled: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      const { session } = await requireSession(request);
      if (!canChange(session.role))
        throw new RosterError('forbidden', `The ${session.role} role may look but not change settings`);
      const organizationId = requireOrganization(session);
      assertMayOverrideHosts(
        { operator: session.kind === 'operator', allowHostOverrides: runtime.config.allowHostOverrides },
        request.body,
      );
      const now = isoNow(runtime.clock);
      const view = await saveSsoSettings(db, box, organizationId, request.body, now);
      const { clientSecret: _secret, ...logged } = request.body;
      await appendAudit(
        db,
        organizationId,
        { type: session.kind === 'operator' ? 'admin' : 'sso', id: session.userId },
        [
          {
            action: 'sso_settings.updated',
            targetType: 'organization',
            targetId: organizationId,
            after: logged,
          },
        ],
        now,
      );
      return { settings: view, redirectUris: redirectUris(runtime.config.publicUrl, view.clientId) };
    },
  );
}
