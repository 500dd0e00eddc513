/**
 * What a connector tells policy about one directory user, whatever the protocol: the Entra object
 * id, whether the account may sign in, app roles, and the source's attributes flattened to names
 * an attribute mapping can refer to (`name.givenName`, `emails.work` for SCIM; `givenName`,
 * `mail` for Graph).
 */
export interface SourceUser {
  readonly connectorKind: 'scim' | 'graph';
  /** The Entra object id: the key that joins one person reached through several connections. */
  readonly objectId: string | null;
  readonly userName: string;
  readonly active: boolean;
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly roles: readonly string[];
  readonly groupIds?: readonly string[];
}

/** The platform fields a user gets from its source through the attribute mapping. */
export interface PlatformUserFields {
  email: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string | null;
  /** Further mapped fields: phone, jobTitle, department, employeeId and custom fields. */
  attributes: Record<string, string>;
  roles: string[];
}

export type UserStatus = 'active' | 'inactive' | 'pending';
