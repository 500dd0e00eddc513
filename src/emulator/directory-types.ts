/**
 * The directory objects the emulator holds, shaped like Microsoft Graph v1.0 `user` and `group`
 * resources (property names and value types as in the Graph reference), plus the compact member
 * codes the membership table uses.
 */

/** A Graph `user` (v1.0), limited to the properties the emulator serves. */
export interface UserRecord {
  id: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  mailNickname: string | null;
  otherMails: string[];
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  creationType: string | null;
  externalUserState: string | null;
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  officeLocation: string | null;
  city: string | null;
  country: string | null;
  usageLocation: string | null;
  preferredLanguage: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  employeeId: string | null;
  employeeType: string | null;
  createdDateTime: string;
}

/** A Graph `group` (v1.0), limited to the properties the emulator serves. */
export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  securityEnabled: boolean;
  groupTypes: string[];
  visibility: string | null;
  createdDateTime: string;
}

export type UserProperty = keyof UserRecord;
export type GroupProperty = keyof GroupRecord;

/** The app roles every emulated application exposes; users hold them deterministically. */
export const appRoleValues = ['Admin', 'User', 'ReadOnly', 'EnterpriseAdmin'] as const;
export type AppRoleValue = (typeof appRoleValues)[number];

/**
 * Members are stored as integers so a 100,000-member group is one Int32Array: a user is its
 * index (>= 0), a group is -(index + 1). Sorting codes puts groups before users.
 */
export const userCode = (userIndex: number): number => userIndex;
export const groupCode = (groupIndex: number): number => -(groupIndex + 1);
export const isGroupCode = (code: number): boolean => code < 0;
export const indexOfCode = (code: number): number => (code < 0 ? -code - 1 : code);

/** Why an object left: `changed` is a soft delete (restorable), `deleted` is permanent. */
export type RemovedReason = 'changed' | 'deleted';
