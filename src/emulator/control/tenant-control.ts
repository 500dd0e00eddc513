/**
 * `emulator.tenant`: change the emulated tenant in-process, the way an admin would in the Entra
 * admin center, and turn the test knobs (expired delta tokens, injected failures, throttling,
 * token lifetime). Every directory change bumps the tenant version, so the next delta round
 * reports it. Unknown ids throw `EmulatorError` (`not_found`).
 */
import type { AppRoleValue, GroupRecord, UserRecord } from '../directory-types.js';
import { groupCode, indexOfCode, isGroupCode, userCode, appRoleValues } from '../directory-types.js';
import { EmulatorError, objectNotFound } from '../emulator-error.js';
import type { FailureRule } from '../failure-injection.js';
import { ObjectState } from '../object-table.js';
import type { RequestLogEntry } from '../request-log.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { GroupInput, UserInput } from '../tenant-store.js';
import type { ThrottleSettings } from '../throttle.js';

export interface EmulatedUser extends UserRecord {
  managerId: string | null;
  appRole: AppRoleValue | null;
}

export interface EmulatedGroup extends GroupRecord {
  memberCount: number;
  /** The app role assigned to the group, held by each of its direct members. */
  appRole: AppRoleValue | null;
}

export interface TenantCounts {
  users: number;
  groups: number;
  memberships: number;
  deletedUsers: number;
  /** The tenant version: the number of changes since generation. */
  version: number;
}

export interface TenantControl {
  readonly tenantId: string;
  readonly domain: string;
  counts(): TenantCounts;
  listUsers(options?: { offset?: number; limit?: number }): EmulatedUser[];
  getUser(idOrUpn: string): EmulatedUser | undefined;
  addUser(input: UserInput): EmulatedUser;
  updateUser(idOrUpn: string, patch: UserInput): EmulatedUser;
  disableUser(idOrUpn: string): EmulatedUser;
  enableUser(idOrUpn: string): EmulatedUser;
  /** Soft delete (delta: `@removed` reason `changed`); `{ hard: true }` deletes permanently. */
  deleteUser(idOrUpn: string, options?: { hard?: boolean }): void;
  /** Permanently deletes a user or group, also one already soft-deleted (reason `deleted`). */
  hardDelete(id: string): void;
  restoreUser(id: string): EmulatedUser;
  setManager(userId: string, managerId: string | null): void;
  setAppRole(userId: string, role: AppRoleValue | null): void;
  /** Assigns an app role to a group (null removes it); its direct members hold the role. */
  setGroupAppRole(groupId: string, role: AppRoleValue | null): void;
  listGroups(options?: { offset?: number; limit?: number }): EmulatedGroup[];
  getGroup(id: string): EmulatedGroup | undefined;
  addGroup(input: GroupInput & { members?: string[] }): EmulatedGroup;
  updateGroup(id: string, patch: GroupInput): EmulatedGroup;
  deleteGroup(id: string, options?: { hard?: boolean }): void;
  listMembers(groupId: string): { id: string; type: 'user' | 'group' }[];
  /** False when the object already was a member. */
  addMember(groupId: string, memberId: string): boolean;
  /** False when the object was not a member. */
  removeMember(groupId: string, memberId: string): boolean;
  /** Every delta and skip token issued so far now answers 410 Gone (`syncStateNotFound`). */
  expireDeltaTokens(): void;
  injectFailures(rule: FailureRule): void;
  clearFailures(): void;
  pendingFailures(): { path: string; status: number; remaining: number }[];
  /** Graph ResourceUnit budget per application, or null for no throttling (the default). */
  setThrottle(settings: ThrottleSettings | null): void;
  setAccessTokenLifetime(seconds: number): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
}

export function createTenantControl(rt: EmulatorRuntime): TenantControl {
  const store = rt.store;
  const user = (index: number): EmulatedUser => {
    const manager = store.managerOf(index);
    return {
      ...store.users.record(index),
      managerId: manager >= 0 ? store.users.id(manager) : null,
      appRole: store.appRoleOf(index),
    };
  };
  const group = (index: number): EmulatedGroup => ({
    ...store.groups.record(index),
    memberCount: store.memberships.memberCount(index),
    appRole: store.groupAppRoleOf(index),
  });
  const checkRole = (role: AppRoleValue | null): void => {
    if (role !== null && !appRoleValues.includes(role)) {
      throw new EmulatorError('invalid_input', `role must be one of ${appRoleValues.join(', ')} or null`);
    }
  };
  /** A member code for a user (id or UPN) or group id. */
  const memberCode = (id: string): number => {
    const u = store.users.indexOf(id);
    if (u >= 0 && store.users.isActive(u)) return userCode(u);
    const g = store.groups.indexOf(id);
    if (g >= 0 && store.groups.isActive(g)) return groupCode(g);
    throw objectNotFound('Directory object', id);
  };
  const page = (size: number, options: { offset?: number; limit?: number } = {}): [number, number] => [
    Math.max(0, options.offset ?? 0),
    Math.min(size, Math.max(0, options.offset ?? 0) + Math.max(0, options.limit ?? 100)),
  ];

  return {
    tenantId: rt.tenantId,
    domain: store.generated.domain,
    counts: () => {
      let deletedUsers = 0;
      for (let i = 0; i < store.users.size; i++)
        if (store.users.state(i) === ObjectState.SoftDeleted) deletedUsers++;
      return {
        users: store.users.activeCount,
        groups: store.groups.activeCount,
        memberships: store.memberships.total,
        deletedUsers,
        version: store.version,
      };
    },
    listUsers: (options) => {
      const out: EmulatedUser[] = [];
      const [from, to] = page(store.users.activeCount, options);
      let seen = 0;
      for (let i = 0; i < store.users.size && seen < to; i++) {
        if (!store.users.isActive(i)) continue;
        if (seen++ >= from) out.push(user(i));
      }
      return out;
    },
    getUser: (idOrUpn) => {
      const index = store.users.indexOf(idOrUpn);
      return index >= 0 && store.users.isActive(index) ? user(index) : undefined;
    },
    addUser: (input) => user(store.addUser(input)),
    updateUser: (idOrUpn, patch) => {
      const index = store.requireUser(idOrUpn);
      store.updateUser(index, patch);
      return user(index);
    },
    disableUser: (idOrUpn) => {
      const index = store.requireUser(idOrUpn);
      store.updateUser(index, { accountEnabled: false });
      return user(index);
    },
    enableUser: (idOrUpn) => {
      const index = store.requireUser(idOrUpn);
      store.updateUser(index, { accountEnabled: true });
      return user(index);
    },
    deleteUser: (idOrUpn, options) => store.deleteUser(store.requireUser(idOrUpn), options?.hard ?? false),
    hardDelete: (id) => {
      const u = store.users.indexOf(id);
      if (u >= 0 && store.users.state(u) !== ObjectState.HardDeleted) return store.deleteUser(u, true);
      const g = store.groups.indexOf(id);
      if (g >= 0 && store.groups.state(g) !== ObjectState.HardDeleted) return store.deleteGroup(g, true);
      throw objectNotFound('Directory object', id);
    },
    restoreUser: (id) => {
      const index = store.requireUser(id, { active: false });
      store.restoreUser(index);
      return user(index);
    },
    setManager: (userId, managerId) => {
      const index = store.requireUser(userId);
      store.setManager(index, managerId === null ? -1 : store.requireUser(managerId));
    },
    setAppRole: (userId, role) => {
      checkRole(role);
      store.setAppRole(store.requireUser(userId), role);
    },
    setGroupAppRole: (groupId, role) => {
      checkRole(role);
      store.setGroupAppRole(store.requireGroup(groupId), role);
    },
    listGroups: (options) => {
      const out: EmulatedGroup[] = [];
      const [from, to] = page(store.groups.activeCount, options);
      let seen = 0;
      for (let j = 0; j < store.groups.size && seen < to; j++) {
        if (!store.groups.isActive(j)) continue;
        if (seen++ >= from) out.push(group(j));
      }
      return out;
    },
    getGroup: (id) => {
      const index = store.groups.indexOf(id);
      return index >= 0 && store.groups.isActive(index) ? group(index) : undefined;
    },
    addGroup: ({ members, ...input }) => {
      const codes = (members ?? []).map(memberCode);
      const index = store.addGroup(input);
      for (const code of codes) store.addMember(index, code);
      return group(index);
    },
    updateGroup: (id, patch) => {
      const index = store.requireGroup(id);
      store.updateGroup(index, patch);
      return group(index);
    },
    deleteGroup: (id, options) => store.deleteGroup(store.requireGroup(id), options?.hard ?? false),
    listMembers: (groupId) =>
      [...store.memberships.members(store.requireGroup(groupId))].map((code) => ({
        id: isGroupCode(code) ? store.groups.id(indexOfCode(code)) : store.users.id(code),
        type: isGroupCode(code) ? ('group' as const) : ('user' as const),
      })),
    addMember: (groupId, memberId) => store.addMember(store.requireGroup(groupId), memberCode(memberId)),
    removeMember: (groupId, memberId) =>
      store.removeMember(store.requireGroup(groupId), memberCode(memberId)),
    expireDeltaTokens: () => rt.expireDeltaTokens(),
    injectFailures: (rule) => rt.failures.inject(rule),
    clearFailures: () => rt.failures.clear(),
    pendingFailures: () => rt.failures.pending(),
    setThrottle: (settings) => rt.throttle.set(settings),
    setAccessTokenLifetime: (seconds) => rt.setAccessTokenLifetime(seconds),
    requests: () => rt.requestLog.entries(),
    clearRequests: () => rt.requestLog.clear(),
  };
}
