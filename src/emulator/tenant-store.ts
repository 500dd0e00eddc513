/**
 * The emulated directory: generated tenant + every change made since, under one monotonically
 * increasing version. Each mutation takes the next version; delta tokens remember a version and
 * later rounds return what changed after it.
 *
 * Cascades follow Entra: deleting a user (soft or hard) removes it from its groups, so groups
 * delta reports `members@delta` removals; restoring a soft-deleted user restores those
 * memberships, as restoring from deletedItems does.
 */
import type { AppRoleValue, GroupRecord, UserRecord } from './directory-types.js';
import { groupCode, userCode } from './directory-types.js';
import { EmulatorError, objectNotFound } from './emulator-error.js';
import type { GeneratedTenant } from './generate-tenant.js';
import { Salt, deterministicGuid } from './ids.js';
import { MembershipTable } from './membership-table.js';
import { ObjectState, ObjectTable } from './object-table.js';

export type UserInput = Partial<UserRecord>;
export type GroupInput = Partial<GroupRecord>;

const asciiFold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '') || 'user';

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class TenantStore {
  readonly generated: GeneratedTenant;
  readonly users: ObjectTable<UserRecord>;
  readonly groups: ObjectTable<GroupRecord>;
  readonly memberships: MembershipTable;
  readonly #now: () => Date;
  readonly #managers = new Map<number, number>();
  readonly #roles = new Map<number, AppRoleValue | null>();
  /** App roles assigned to groups: every direct member of the group holds it (Entra's group assignment). */
  readonly #groupRoles = new Map<number, AppRoleValue>();
  /** Groups a soft-deleted user was in, for restore. */
  readonly #formerGroups = new Map<number, number[]>();
  #version = 0;

  constructor(generated: GeneratedTenant, now: () => Date) {
    this.generated = generated;
    this.#now = now;
    this.users = new ObjectTable<UserRecord>({
      count: generated.userCount,
      record: (i) => generated.user(i),
      id: (i) => generated.userId(i),
      alternateKey: (user) => user.userPrincipalName.toLowerCase(),
    });
    this.groups = new ObjectTable<GroupRecord>({
      count: generated.groupCount,
      record: (j) => generated.group(j),
      id: (j) => generated.groupId(j),
    });
    this.memberships = new MembershipTable(
      Array.from({ length: generated.groupCount }, (_, j) => generated.members(j)),
    );
  }

  /** The version of the latest change (0 = as generated). */
  get version(): number {
    return this.#version;
  }

  managerOf(user: number): number {
    return (
      this.#managers.get(user) ?? (user < this.generated.userCount ? this.generated.managerIndex(user) : -1)
    );
  }

  appRoleOf(user: number): AppRoleValue | null {
    if (this.#roles.has(user)) return this.#roles.get(user) ?? null;
    return user < this.generated.userCount ? this.generated.appRole(user) : null;
  }

  groupAppRoleOf(group: number): AppRoleValue | null {
    return this.#groupRoles.get(group) ?? null;
  }

  requireUser(idOrUpn: string, { active = true } = {}): number {
    const index = this.users.indexOf(idOrUpn);
    if (index < 0 || (active && !this.users.isActive(index))) throw objectNotFound('User', idOrUpn);
    return index;
  }

  requireGroup(id: string, { active = true } = {}): number {
    const index = this.groups.indexOf(id);
    if (index < 0 || (active && !this.groups.isActive(index))) throw objectNotFound('Group', id);
    return index;
  }

  addUser(input: UserInput): number {
    const index = this.users.size;
    const displayName = input.displayName ?? `New User ${index}`;
    const upn = input.userPrincipalName ?? `${asciiFold(displayName)}${index}@${this.generated.domain}`;
    if (this.users.indexOf(upn) >= 0)
      throw new EmulatorError('conflict', `userPrincipalName '${upn}' is in use`);
    const id = input.id ?? deterministicGuid(this.generated.seed, Salt.userId, index);
    if (this.users.indexOf(id) >= 0) throw new EmulatorError('conflict', `id '${id}' is in use`);
    const guest = input.userType === 'Guest';
    const record: UserRecord = {
      givenName: null,
      surname: null,
      mail: guest ? null : upn,
      otherMails: [],
      accountEnabled: true,
      userType: 'Member',
      creationType: guest ? 'Invitation' : null,
      externalUserState: guest ? 'PendingAcceptance' : null,
      jobTitle: null,
      department: null,
      companyName: null,
      officeLocation: null,
      city: null,
      country: null,
      usageLocation: null,
      preferredLanguage: null,
      mobilePhone: null,
      businessPhones: [],
      employeeId: null,
      employeeType: null,
      ...input,
      id,
      displayName,
      userPrincipalName: upn,
      mailNickname: input.mailNickname ?? upn.split('@')[0] ?? upn,
      createdDateTime: isoSeconds(this.#now()),
    };
    return this.users.add(record, ++this.#version);
  }

  updateUser(user: number, patch: UserInput): string[] {
    const upn = patch.userPrincipalName;
    if (upn !== undefined) {
      const holder = this.users.indexOf(upn);
      if (holder >= 0 && holder !== user)
        throw new EmulatorError('conflict', `userPrincipalName '${upn}' is in use`);
    }
    const version = this.#version + 1;
    const changed = this.users.update(user, patch, version);
    if (changed.length > 0) this.#version = version;
    return changed;
  }

  deleteUser(user: number, hard: boolean): void {
    const version = ++this.#version;
    const state = this.users.state(user);
    if (state === ObjectState.Active) {
      const groups = this.memberships.groupsOf(userCode(user));
      for (const g of groups) this.memberships.remove(g, userCode(user), version);
      if (!hard) this.#formerGroups.set(user, groups);
    }
    if (hard) this.#formerGroups.delete(user);
    this.users.remove(user, hard ? 'deleted' : 'changed', version);
  }

  restoreUser(user: number): void {
    if (this.users.state(user) !== ObjectState.SoftDeleted) {
      throw new EmulatorError('invalid_input', 'only a soft-deleted user can be restored');
    }
    const version = ++this.#version;
    this.users.restore(user, version);
    for (const g of this.#formerGroups.get(user) ?? []) {
      if (this.groups.isActive(g)) this.memberships.add(g, userCode(user), version);
    }
    this.#formerGroups.delete(user);
  }

  setManager(user: number, manager: number): void {
    if (this.managerOf(user) === manager) return;
    const version = ++this.#version;
    this.#managers.set(user, manager);
    this.users.touch(user, 'manager', version);
  }

  setAppRole(user: number, role: AppRoleValue | null): void {
    this.#roles.set(user, role);
  }

  /** Assigns the app role to a group (null removes the assignment). Not a directory change: no delta reports it. */
  setGroupAppRole(group: number, role: AppRoleValue | null): void {
    if (role === null) this.#groupRoles.delete(group);
    else this.#groupRoles.set(group, role);
  }

  addGroup(input: GroupInput): number {
    const index = this.groups.size;
    const displayName = input.displayName ?? `New Group ${index}`;
    const id = input.id ?? deterministicGuid(this.generated.seed, Salt.groupId, index);
    if (this.groups.indexOf(id) >= 0) throw new EmulatorError('conflict', `id '${id}' is in use`);
    const record: GroupRecord = {
      description: null,
      mail: null,
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      visibility: null,
      ...input,
      id,
      displayName,
      mailNickname: input.mailNickname ?? (asciiFold(displayName).replace(/\./g, '') || 'group'),
      createdDateTime: isoSeconds(this.#now()),
    };
    this.memberships.addGroup();
    return this.groups.add(record, ++this.#version);
  }

  updateGroup(group: number, patch: GroupInput): string[] {
    const version = this.#version + 1;
    const changed = this.groups.update(group, patch, version);
    if (changed.length > 0) this.#version = version;
    return changed;
  }

  deleteGroup(group: number, hard: boolean): void {
    const version = ++this.#version;
    if (this.groups.state(group) === ObjectState.Active) {
      for (const parent of this.memberships.groupsOf(groupCode(group))) {
        this.memberships.remove(parent, groupCode(group), version);
      }
    }
    this.groups.remove(group, hard ? 'deleted' : 'changed', version);
  }

  /** Adds a direct member; false when it already was one. */
  addMember(group: number, code: number): boolean {
    if (code === groupCode(group)) throw new EmulatorError('invalid_input', 'a group cannot contain itself');
    const version = this.#version + 1;
    const added = this.memberships.add(group, code, version);
    if (added) this.#version = version;
    return added;
  }

  removeMember(group: number, code: number): boolean {
    const version = this.#version + 1;
    const removed = this.memberships.remove(group, code, version);
    if (removed) this.#version = version;
    return removed;
  }
}
