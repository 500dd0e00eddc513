import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isoNow } from '../../clock.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import { retentionDaysOf, setEventRetentionDays } from '../../events/event-retention.js';
import { getOrganizationSettings, setSeatLimit } from '../../store/organization-settings.js';
import { createOrganization, getOrganization, listOrganizations } from '../../store/organizations.js';
import { actorOf } from '../api-actor.js';
import { organizationOf, principalOf } from '../request-context.js';
import { Nullable, OrgParams, Timestamp } from '../schemas/common.js';

const Settings = Type.Object({
  seatLimit: Nullable(
    Type.Integer({ minimum: 0, description: 'Most users the organization may have; null for no limit' }),
  ),
  eventRetentionDays: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: 'How long the event log keeps events',
  }),
});

// A misspelt setting (`seatLimt`) is refused like any unknown body member, not quietly ignored.
const SettingsChangeBody = Type.Partial(Settings, { additionalProperties: false });

const OrganizationSchema = Type.Object(
  { id: Type.String(), slug: Type.String(), name: Type.String(), settings: Settings, createdAt: Timestamp },
  { title: 'Organization' },
);
type OrganizationBody = Static<typeof OrganizationSchema>;

const CreateBody = Type.Object(
  {
    slug: Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    settings: Type.Optional(SettingsChangeBody),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    settings: Type.Optional(SettingsChangeBody),
  },
  { additionalProperties: false },
);

async function organizationBody(db: Executor, idOrSlug: string): Promise<OrganizationBody> {
  const organization = await getOrganization(db, idOrSlug);
  const settings = await getOrganizationSettings(db, organization.id);
  const seatLimit = typeof settings.seatLimit === 'number' ? settings.seatLimit : null;
  return { ...organization, settings: { seatLimit, eventRetentionDays: retentionDaysOf(settings) } };
}

type SettingsChange = Partial<Static<typeof Settings>>;

/** Applies the settings an admin sent; each belongs to the module that reads it. */
async function applySettings(
  db: Executor,
  organizationId: string,
  settings: SettingsChange,
  now: string,
): Promise<void> {
  if (settings.seatLimit !== undefined) await setSeatLimit(db, organizationId, settings.seatLimit, now);
  if (settings.eventRetentionDays !== undefined) {
    await setEventRetentionDays(db, organizationId, settings.eventRetentionDays, now);
  }
}

export function registerOrganizationRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Organizations'];
  app.get(
    '/organizations',
    {
      schema: {
        summary:
          'List the organizations the caller may see (all for the operator, its own for an organization key)',
        tags,
        response: { 200: Type.Object({ data: Type.Array(OrganizationSchema) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const all = await listOrganizations(runtime.store.db);
      const visible = all.filter(
        (org) => principal.organizationId === null || org.id === principal.organizationId,
      );
      return { data: await Promise.all(visible.map((org) => organizationBody(runtime.store.db, org.id))) };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/organizations',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Create an organization (operator only)',
        tags,
        body: CreateBody,
        response: { 201: OrganizationSchema },
      },
    },
    async (request, reply) => {
      const now = isoNow(runtime.clock);
      const body = await runtime.store.transaction(async (trx) => {
        const created = await createOrganization(trx, {
          slug: request.body.slug,
          name: request.body.name,
          now,
        });
        if (request.body.settings) await applySettings(trx, created.id, request.body.settings, now);
        const view = await organizationBody(trx, created.id);
        await appendAudit(
          trx,
          created.id,
          actorOf(request),
          [{ action: 'organization.created', targetType: 'organization', targetId: created.id, after: view }],
          now,
        );
        return view;
      });
      return reply.code(201).send(body);
    },
  );

  app.get(
    '/organizations/:org',
    {
      schema: {
        summary: 'Get an organization and its settings',
        tags,
        params: OrgParams,
        response: { 200: OrganizationSchema },
      },
    },
    async (request) => organizationBody(runtime.store.db, organizationOf(request).id),
  );

  app.patch<{ Body: Static<typeof UpdateBody> }>(
    '/organizations/:org',
    {
      schema: {
        summary: 'Rename an organization or change its settings (seat limit, event retention)',
        tags,
        params: OrgParams,
        body: UpdateBody,
        response: { 200: OrganizationSchema },
      },
    },
    async (request) => {
      const organization = organizationOf(request);
      const now = isoNow(runtime.clock);
      return runtime.store.transaction(async (trx) => {
        const before = await organizationBody(trx, organization.id);
        if (request.body.name !== undefined) {
          // Only the display name changes; the slug stays, as URLs and scripts use it.
          await trx
            .updateTable('organizations')
            .set({ name: request.body.name, updated_at: now })
            .where('id', '=', organization.id)
            .execute();
        }
        if (request.body.settings) await applySettings(trx, organization.id, request.body.settings, now);
        const after = await organizationBody(trx, organization.id);
        await appendAudit(
          trx,
          organization.id,
          actorOf(request),
          [
            {
              action: 'organization.updated',
              targetType: 'organization',
              targetId: organization.id,
              before,
              after,
            },
          ],
          now,
        );
        return after;
      });
    },
  );
}
