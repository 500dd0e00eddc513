import { del, get, orgPath, patch, post, put, type Query } from './client';
import type { Page } from './people';

/** Connections, their tokens, policy and sync runs, as the REST API shows them. */
export interface Connection {
  id: string;
  kind: 'scim' | 'graph';
  name: string;
  status: string;
  settings?: Record<string, unknown>;
  tenantUrl?: string;
  secretExpiresAt?: string | null;
  lastRequestAt?: string | null;
  createdAt: string;
}

export interface ScimCreated {
  connection: Connection;
  tenantUrl: string;
  token: string;
  tokenId: string;
}

export interface ScimToken {
  id: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface GraphTest {
  ok: boolean;
  token: 'acquired' | 'failed';
  roles: string[];
  missing: { neededFor: string; anyOf: string[] }[];
  checks: { users: string; groups: string };
  error: { code: string; graphCode: string; message: string; remedy?: string } | null;
  remedies: string[];
}

export interface DirectoryGroupHit {
  id: string;
  displayName: string;
  description: string | null;
}

export interface SyncRun {
  id: string;
  connectionId: string;
  trigger: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  dryRun: boolean;
  full: boolean;
  cancelRequested?: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Record<string, number>;
  errors: { objectId?: string; code?: string; message: string; remedy?: string }[];
  progress: Record<string, unknown>;
}

const connection = (id: string, rest = '') => orgPath(`/connections/${encodeURIComponent(id)}${rest}`);

export const listConnections = () => get<Page<Connection>>(orgPath('/connections'));
export const getConnection = (id: string) => get<Connection>(connection(id));
/**
 * Deletes the connection: its groups are deleted and its users leave as the policy's
 * `lifecycle.onDelete` says. 409 while a sync of it runs.
 */
export const deleteConnection = (id: string) => del<ConnectionDeleted>(connection(id));

/** What deleting a connection did, in the counts of a sync run. */
export interface ConnectionDeleted {
  connectionId: string;
  counts: Record<string, number>;
}

export const createScimConnection = () => post<ScimCreated>(orgPath('/connections/scim'), {});
export const listScimTokens = (id: string) => get<Page<ScimToken>>(connection(id, '/tokens'));
export const createScimToken = (id: string) => post<ScimToken & { token: string }>(connection(id, '/tokens'));
export const revokeScimToken = (id: string, tokenId: string) =>
  del<unknown>(connection(id, `/tokens/${encodeURIComponent(tokenId)}`));

export const createGraphConnection = (body: Record<string, unknown>) =>
  post<{ connectionId: string }>(orgPath('/connections/graph'), body);
export const testGraphConnection = (id: string) => post<GraphTest>(connection(id, '/test'));
/** Changes the schedule (`15m`, `1h`, `off`…) or replaces the client secret; absent fields stay. */
export const changeGraphConnection = (
  id: string,
  body: { interval?: string; clientSecret?: string; secretExpiresAt?: string },
) => patch<Record<string, unknown>>(connection(id, '/graph'), body);
export const searchDirectoryGroups = (id: string, search: string) =>
  get<Page<DirectoryGroupHit>>(connection(id, '/directory-groups'), { search });
/** The most ids one lookup of stored directory groups takes (the route's limit). */
export const maxDirectoryGroupIds = 100;
/** The connection's stored directory groups among `ids`, with their names; ids not stored are left out. */
export const findDirectoryGroups = (id: string, ids: readonly string[]) =>
  get<Page<DirectoryGroupHit>>(connection(id, '/directory-groups'), { ids: ids.join(',') });

/**
 * The policy as set, and the effective one: every default filled in. `pending`: set since it was
 * last applied to the users and groups already synced (the next Graph sync applies it, as does
 * `reconcilePolicy`).
 */
export interface PolicyDocument {
  kind: Connection['kind'];
  policy: Record<string, unknown>;
  effective: Record<string, unknown>;
  pending: boolean;
}

/** The seats a change would use against the organization's limit. */
export interface SeatCheck {
  seatLimit: number;
  /** Active and pending users once the change is applied. */
  seatsUsed: number;
  /** Users the change creates or reactivates. */
  wouldImport: number;
  /** Above the limit: applying it is refused (409) and changes nothing. */
  exceeded: boolean;
}

/** What applying the stored policy changed, or with `dryRun` would change (nothing is kept). */
export interface ReconcileOutcome {
  connectionId: string;
  dryRun: boolean;
  counts: Record<string, number>;
  /** Users (or groups) skipped, each with the reason; the others are applied. */
  errors: { objectId: string; field?: string; message: string }[];
  /** Present when the organization has a seat limit and the change creates or reactivates users. */
  seatCheck?: SeatCheck;
  /** What a dry run could not foresee: groups or Graph properties not read yet. */
  notes: string[];
}

export const getPolicy = (id: string) => get<PolicyDocument>(connection(id, '/policy'));
export const setPolicy = (id: string, policy: Record<string, unknown>) =>
  put<PolicyDocument>(connection(id, '/policy'), policy);
/** Applies the stored policy to the users and groups already synced; 409 above the seat limit. */
export const reconcilePolicy = (id: string, options: { dryRun: boolean }) =>
  post<ReconcileOutcome>(connection(id, '/reconcile'), options);
export const getPolicySchema = () => get<Record<string, unknown>>('/api/v1/policy-schema');

export const startRun = (id: string, options: { dryRun?: boolean; full?: boolean }) =>
  post<SyncRun>(connection(id, '/sync'), options);
export const listRuns = (id: string, query: Query = {}) => get<Page<SyncRun>>(connection(id, '/runs'), query);
export const getRun = (runId: string) => get<SyncRun>(orgPath(`/runs/${encodeURIComponent(runId)}`));
export const cancelRun = (runId: string) =>
  post<SyncRun>(orgPath(`/runs/${encodeURIComponent(runId)}/cancel`));
