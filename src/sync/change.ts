import type { SourceUser } from '../domain/source-user.js';

/**
 * One fact from a source. Connectors (SCIM, Graph, the admin API) speak their protocols and turn
 * them into changes; the engine applies changes through policy.
 */
export type Change =
  | {
      kind: 'user.upsert';
      user: DirectoryUserInput;
      /** The id was minted for this change (a SCIM POST): nothing stored refers to it yet. */
      minted?: boolean;
    }
  | { kind: 'user.delete'; id: string }
  | { kind: 'group.upsert'; group: DirectoryGroupInput }
  | { kind: 'group.delete'; id: string }
  | { kind: 'members.add'; groupId: string; members: readonly DirectoryMemberRef[] }
  | { kind: 'members.remove'; groupId: string; memberIds: readonly string[] }
  | { kind: 'members.clear'; groupId: string };

export interface DirectoryUserInput {
  /** The object's id within its connection (SCIM resource id; Entra object id for Graph). */
  id: string;
  externalId: string | null;
  userName: string;
  active: boolean;
  /** Lower-cased work or primary email, for lookups by email. */
  emailKey: string | null;
  /** The object as received from the source, stored verbatim. */
  attributes: Record<string, unknown>;
  source: SourceUser;
}

export interface DirectoryGroupInput {
  id: string;
  externalId: string | null;
  displayName: string;
  attributes: Record<string, unknown>;
}

export interface DirectoryMemberRef {
  id: string;
  type: 'user' | 'group';
}
