import { get, orgPath, type Query } from './client';

/** Users and groups as the REST API shows them (src/api/schemas/people.ts). */
export interface GroupRef {
  id: string;
  displayName: string;
}

export interface User {
  id: string;
  email: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string | null;
  status: 'active' | 'inactive' | 'pending';
  source: 'local' | 'scim' | 'graph';
  connectionId: string | null;
  externalId: string | null;
  roles: string[];
  attributes: Record<string, string>;
  groups?: GroupRef[];
  createdAt: string;
  updatedAt: string;
}

export interface Group {
  id: string;
  displayName: string;
  source: 'local' | 'scim' | 'graph';
  connectionId: string | null;
  externalId: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A user with what the user page shows besides: the directory sources as received, and history. */
export interface UserDetail extends User {
  sources: {
    connectionId: string;
    connectionName: string;
    kind: 'scim' | 'graph';
    id: string;
    userName: string;
    active: boolean;
    attributes: Record<string, unknown>;
    updatedAt: string;
  }[];
  history: { id: string; occurredAt: string; action: string; actor: { type: string; id: string | null } }[];
  events: { id: string; type: string; occurredAt: string }[];
}

export const userName = (user: Pick<User, 'displayName' | 'givenName' | 'familyName' | 'email'>): string =>
  user.displayName ?? (`${user.givenName} ${user.familyName}`.trim() || user.email);

export const listUsers = (query: Query) => get<Page<User>>(orgPath('/users'), query);
export const getUser = (id: string) => get<UserDetail>(orgPath(`/users/${encodeURIComponent(id)}`));
export const listGroups = (query: Query) => get<Page<Group>>(orgPath('/groups'), query);
export const getGroup = (id: string) => get<Group>(orgPath(`/groups/${encodeURIComponent(id)}`));
export const listGroupMembers = (id: string, query: Query) =>
  get<Page<User>>(orgPath(`/groups/${encodeURIComponent(id)}/members`), query);
