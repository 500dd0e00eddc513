import { randomUUID } from 'node:crypto';
import { conflict, invalidInput, notFound } from '../errors.js';
import type { Executor } from './database.js';
import type { OrganizationRow } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

export interface Organization {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/**
 * Paths and the CLI take an organization's id or its slug, and ids are UUIDs: a slug of that shape
 * could equal another organization's id, and that organization would answer to it instead.
 */
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}

export async function createOrganization(
  db: Executor,
  input: { slug: string; name: string; now: string },
): Promise<Organization> {
  if (!slugPattern.test(input.slug)) {
    throw invalidInput(
      'slug must be 1-64 lower-case letters, digits or dashes, not starting or ending with a dash',
      'slug',
    );
  }
  if (uuidShape.test(input.slug)) {
    throw invalidInput('slug must not have the shape of a UUID, which is how organization ids look', 'slug');
  }
  if (input.name.trim() === '') throw invalidInput('name must not be empty', 'name');
  const row = {
    id: randomUUID(),
    slug: input.slug,
    name: input.name,
    created_at: input.now,
    updated_at: input.now,
  };
  try {
    await db.insertInto('organizations').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict(`An organization with slug "${input.slug}" already exists`, 'slug');
    throw error;
  }
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}

/** Finds an organization by id or by slug, as admins type either (a slug in any case: "ACME"). */
export async function findOrganization(db: Executor, idOrSlug: string): Promise<Organization | undefined> {
  // Typed by a person (a sign-in page, a URL): PostgreSQL would fail on a NUL rather than find nothing.
  if (idOrSlug.includes('\u0000')) return undefined;
  const slug = idOrSlug.trim().toLowerCase();
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', slug)]))
    .executeTakeFirst();
  return row && toOrganization(row);
}

export async function getOrganization(db: Executor, idOrSlug: string): Promise<Organization> {
  const organization = await findOrganization(db, idOrSlug);
  if (!organization) throw notFound(`Organization "${idOrSlug}"`);
  return organization;
}

export async function listOrganizations(db: Executor): Promise<Organization[]> {
  const rows = await db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toOrganization);
}
