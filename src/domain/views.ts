import type { GroupRow, UserRow } from '../store/schema.js';

/** The JSON shape of a platform user and group, the same in the CLI, the REST API and events. */
export interface UserView {
  id: string;
  email: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string | null;
  status: UserRow['status'];
  source: UserRow['source'];
  connectionId: string | null;
  /** The Entra object id. */
  externalId: string | null;
  roles: string[];
  attributes: Record<string, string>;
  groups?: { id: string; displayName: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface GroupView {
  id: string;
  displayName: string;
  source: GroupRow['source'];
  connectionId: string | null;
  externalId: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(row: UserRow, groups?: { id: string; displayName: string }[]): UserView {
  return {
    id: row.id,
    email: row.email,
    userName: row.user_name,
    givenName: row.given_name,
    familyName: row.family_name,
    displayName: row.display_name,
    status: row.status,
    source: row.source,
    connectionId: row.source_connection_id,
    externalId: row.external_id,
    roles: JSON.parse(row.roles) as string[],
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    ...(groups === undefined ? {} : { groups }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toGroupView(row: GroupRow): GroupView {
  return {
    id: row.id,
    displayName: row.display_name,
    source: row.source,
    connectionId: row.source_connection_id,
    externalId: row.external_id,
    memberCount: Number(row.member_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
