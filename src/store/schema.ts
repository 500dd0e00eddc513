import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The tables as TypeScript sees them. Both engines store the same column types: text ids (UUIDs),
 * ISO-8601 text timestamps, integers for booleans and counters, and JSON as text, so that the
 * behaviour cannot drift between SQLite and PostgreSQL.
 */
export interface Database {
  organizations: OrganizationTable;
  connections: ConnectionTable;
  scim_tokens: ScimTokenTable;
  directory_users: DirectoryUserTable;
  directory_groups: DirectoryGroupTable;
  directory_memberships: DirectoryMembershipTable;
  users: UserTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  events: EventTable;
  audit_entries: AuditEntryTable;
  sync_runs: SyncRunTable;
  sync_leases: SyncLeaseTable;
  graph_sync_state: GraphSyncStateTable;
  graph_seen: GraphSeenTable;
  directory_user_policy: DirectoryUserPolicyTable;
  credentials: CredentialTable;
  enrollment_emails: EnrollmentEmailTable;
}

export interface OrganizationTable {
  id: string;
  slug: string;
  name: string;
  /** Last event sequence number handed out; bumped under the row lock so events never interleave. */
  event_seq: Generated<number>;
  settings: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface ConnectionTable {
  id: string;
  organization_id: string;
  kind: 'scim' | 'graph';
  name: string;
  status: Generated<string>;
  /** Non-secret settings as JSON (tenant id, client id, cloud, hosts, interval). */
  settings: Generated<string>;
  /** AES-256-GCM sealed client secret or private key; never returned by any API. */
  secret_ciphertext: string | null;
  secret_expires_at: string | null;
  policy: Generated<string>;
  /** 1 while the stored policy has not yet been applied to the objects already synced. */
  policy_pending: Generated<number>;
  last_request_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScimTokenTable {
  id: string;
  connection_id: string;
  organization_id: string;
  token_hash: string;
  /** Last characters of the token, so an admin can tell tokens apart. */
  hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface DirectoryUserTable {
  connection_id: string;
  id: string;
  organization_id: string;
  external_id: string | null;
  user_name: string;
  /** userName folded to lower case: SCIM userName is caseExact false (RFC 7643 §4.1.1). */
  user_name_key: string;
  /** Lower-cased primary or work email, for Entra's `emails[type eq "work"].value` lookups. */
  email_key: string | null;
  active: number;
  /** The resource as received, without id and meta. */
  attributes: string;
  version: number;
  user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DirectoryGroupTable {
  connection_id: string;
  id: string;
  organization_id: string;
  external_id: string | null;
  display_name: string;
  display_name_key: string;
  attributes: string;
  version: number;
  group_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DirectoryMembershipTable {
  connection_id: string;
  group_id: string;
  member_id: string;
  organization_id: string;
  member_type: 'user' | 'group';
}

export interface UserTable {
  id: string;
  organization_id: string;
  email: string;
  email_key: string;
  user_name: string;
  given_name: string;
  family_name: string;
  display_name: string | null;
  status: 'active' | 'inactive' | 'pending';
  source: 'local' | 'scim' | 'graph';
  source_connection_id: string | null;
  /** The Entra object id; the key that makes one person reached by two connections one user. */
  external_id: string | null;
  /** Mapped platform fields beyond the named columns (phone, jobTitle, custom fields) as JSON. */
  attributes: Generated<string>;
  roles: Generated<string>;
  created_at: string;
  updated_at: string;
  /** When the user was first active (null: never yet); its enrollment email goes out then. */
  activated_at: string | null;
  /** The Entra object id bound at the first portal sign-in of a user the directory did not tie to one. */
  sso_object_id: string | null;
}

export interface GroupTable {
  id: string;
  organization_id: string;
  display_name: string;
  source: 'local' | 'scim' | 'graph';
  source_connection_id: string | null;
  external_id: string | null;
  member_count: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
  organization_id: string;
  created_at: string;
}

export interface EventTable {
  organization_id: string;
  seq: number;
  id: string;
  type: string;
  occurred_at: string;
  data: string;
}

export interface AuditEntryTable {
  id: string;
  organization_id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  connection_id: string | null;
  before: string | null;
  after: string | null;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type ConnectionRow = Selectable<ConnectionTable>;
export type ScimTokenRow = Selectable<ScimTokenTable>;
export type DirectoryUserRow = Selectable<DirectoryUserTable>;
export type DirectoryGroupRow = Selectable<DirectoryGroupTable>;
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type GroupRow = Selectable<GroupTable>;
export type EventRow = Selectable<EventTable>;
export type AuditEntryRow = Selectable<AuditEntryTable>;

export interface SyncRunTable {
  id: string;
  organization_id: string;
  connection_id: string;
  trigger: 'manual' | 'schedule' | 'api';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  dry_run: number;
  full: number;
  /** Set by any process; the running process checks it between pages. */
  cancel_requested: Generated<number>;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  counts: Generated<string>;
  errors: Generated<string>;
  progress: Generated<string>;
  /** `host:pid` of the process that queued the run and runs it (null for runs before 0008). */
  holder: string | null;
}

/** One row per connection while a run holds it; an expired row may be taken over. */
export interface SyncLeaseTable {
  connection_id: string;
  run_id: string;
  holder: string;
  expires_at: string;
}

/** Where a connection's pull stands, per resource (`users`, `groups`). */
export interface GraphSyncStateTable {
  connection_id: string;
  resource: 'users' | 'groups';
  /** The last complete round's deltaLink, whole, as Graph gave it. */
  delta_link: string | null;
  /** The next page of the round in progress; null between rounds. */
  next_link: string | null;
  round_kind: 'full' | 'delta' | null;
  round_id: string | null;
  /** Whether the round in progress marks what it sees, to sweep the unseen at its end. */
  sweep: number;
  updated_at: string;
}

/** Objects and memberships seen by a full round; `group_id` is '' except for memberships. */
export interface GraphSeenTable {
  connection_id: string;
  round_id: string;
  kind: 'user' | 'group' | 'member';
  group_id: string;
  object_id: string;
}

export type SyncRunRow = Selectable<SyncRunTable>;
export type GraphSyncStateRow = Selectable<GraphSyncStateTable>;

/** Portal sign-in tables (migration 0005-sso), merged into `Database` here to keep them together. */
export interface Database {
  sso_settings: SsoSettingsTable;
  sso_sign_ins: SsoSignInTable;
  sign_in_links: SignInLinkTable;
  portal_sessions: PortalSessionTable;
}

/** An organization's Entra app registration for portal sign-in (OpenID Connect). */
export interface SsoSettingsTable {
  organization_id: string;
  tenant_id: string;
  client_id: string;
  /** AES-256-GCM sealed client secret, bound to the organization id. */
  secret_ciphertext: string;
  cloud: string;
  login_url: string;
  enabled: number;
  updated_at: string;
}

/** A sign-in waiting for Entra's callback; keyed by the digest of the browser's attempt cookie. */
export interface SsoSignInTable {
  id_hash: string;
  organization_id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: string;
}

/** One-time operator sign-in links (`roster admin link`); organization_id null means any. */
export interface SignInLinkTable {
  token_hash: string;
  organization_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface PortalSessionTable {
  id_hash: string;
  kind: 'operator' | 'user';
  /** The organization the session works in; an operator may switch, null until chosen. */
  organization_id: string | null;
  user_id: string | null;
  display_name: string;
  role: string;
  /** Sent back in a header on every change (double submit); not a bearer secret on its own. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export type PortalSessionRow = Selectable<PortalSessionTable>;
export type SsoSettingsRow = Selectable<SsoSettingsTable>;

/** Webhooks and API keys (migration 0004-events-api), merged into `Database` here. */
export interface Database {
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  api_keys: ApiKeyTable;
}

export interface WebhookEndpointTable {
  id: string;
  organization_id: string;
  url: string;
  description: Generated<string>;
  /** JSON array of event types or `prefix.*` patterns; empty means every type. */
  event_types: Generated<string>;
  /** AES-256-GCM sealed `whsec_…` secret, bound to the endpoint id: it must be usable to sign. */
  secret_ciphertext: string;
  status: Generated<'enabled' | 'disabled'>;
  disabled_reason: string | null;
  disabled_at: string | null;
  /** The last event seq turned into deliveries for this endpoint. */
  cursor_seq: number;
  /** When the current run of failures began; null after a success. */
  failing_since: string | null;
  consecutive_failures: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  organization_id: string;
  event_id: string;
  event_seq: number;
  event_type: string;
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Generated<number>;
  /** Due time while pending; a claimed delivery has it pushed out by the claim lease. */
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  redelivery_of: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface ApiKeyTable {
  id: string;
  /** Null for an operator key. */
  organization_id: string | null;
  name: string;
  role: 'admin' | 'read_only';
  key_hash: string;
  hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

/** Per directory user: the source user as its connector described it, so membership changes can re-decide it. */
export interface DirectoryUserPolicyTable {
  connection_id: string;
  directory_user_id: string;
  organization_id: string;
  /** The SourceUser as JSON. */
  source: string;
  in_scope: number;
  /** When a user out of scope is to be deleted (lifecycle.outOfScope `delete`); null otherwise. */
  delete_after: string | null;
  updated_at: string;
}

export interface CredentialTable {
  id: string;
  organization_id: string;
  user_id: string;
  connection_id: string | null;
  /** The credential type the organization chose, e.g. `mobile_credential`, `cloud_key`. */
  type: string;
  status: 'active' | 'revoked';
  issued_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** The enrollment-email outbox: written with the user, sent after commit, retried, failures kept visible. */
export interface EnrollmentEmailTable {
  id: string;
  organization_id: string;
  user_id: string;
  connection_id: string | null;
  recipient: string;
  /** What the message needs (names, organization), as JSON. */
  data: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  sent_at: string | null;
}

export type CredentialRow = Selectable<CredentialTable>;
export type EnrollmentEmailRow = Selectable<EnrollmentEmailTable>;
