import { RosterError } from '../../errors.js';

/**
 * Users owned by a directory are locked: their lifecycle and the fields the directory provides
 * belong to Microsoft Entra ID. A local attempt to deactivate them or edit those fields is refused
 * with `locked_by_directory` (409), naming the connection that owns them, so the admin knows where
 * to go. Local users, and fields the directory does not provide (e.g. local notes), stay editable.
 */
export interface LockableUser {
  readonly source: 'local' | 'scim' | 'graph';
  readonly connectionId: string | null;
  /** The owning connection's name, looked up by the caller (the error names it). */
  readonly connectionName?: string | undefined;
  readonly email?: string | undefined;
}

export interface LocalUserChange {
  /** The new status, when the change sets one. */
  readonly status?: 'active' | 'inactive' | 'pending' | undefined;
  readonly delete?: boolean | undefined;
  /** Platform fields (view names) the change writes: `email`, `givenName`, `roles`, a custom field… */
  readonly fields?: readonly string[] | undefined;
}

/** The fields a directory provides: every mapped field, status and roles. */
export const directoryOwnedFields: ReadonlySet<string> = new Set([
  'email',
  'userName',
  'givenName',
  'familyName',
  'displayName',
  'phone',
  'jobTitle',
  'department',
  'employeeId',
  'attributes',
  'roles',
  'status',
  'externalId',
]);

export function assertLocallyEditable(user: LockableUser, change: LocalUserChange): void {
  if (user.source === 'local') return;
  const owner = user.connectionName ?? user.connectionId ?? 'a directory connection';
  const who = user.email ?? 'This user';
  if (change.delete === true || change.status === 'inactive') {
    throw new RosterError(
      'locked_by_directory',
      `${who} is managed by ${owner}; deactivate them in Microsoft Entra ID`,
      { field: change.delete === true ? 'user' : 'status' },
    );
  }
  const written = change.status === undefined ? (change.fields ?? []) : ['status', ...(change.fields ?? [])];
  const locked = written.find((field) => directoryOwnedFields.has(field) || field.startsWith('attributes.'));
  if (locked !== undefined) {
    throw new RosterError(
      'locked_by_directory',
      `${who} is managed by ${owner}; change ${locked} in Microsoft Entra ID`,
      { field: locked },
    );
  }
}
