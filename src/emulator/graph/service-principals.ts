/**
 * The enterprise applications of the emulated tenant: one service principal per registered
 * client, each exposing the app roles Admin, User, ReadOnly and EnterpriseAdmin, and the users
 * and groups assigned to them ("List appRoleAssignments granted for a service principal",
 * `GET /servicePrincipals/{id}/appRoleAssignedTo`). Also `GET /organization`.
 * Lookups: `/servicePrincipals?$filter=appId eq '…'`, `/servicePrincipals/{id}` and the alternate
 * key form `/servicePrincipals(appId='…')`.
 */
import { appRoleValues } from '../directory-types.js';
import type { RequestContext } from '../http-io.js';
import { Salt, deterministicGuid } from '../ids.js';
import type { RegisteredClient } from '../options.js';
import type { EmulatorRuntime } from '../runtime.js';
import { evaluateFilter, checkFilter } from './filter-evaluate.js';
import { graphErrors } from './graph-error.js';
import { contextUrl, openPageToken, nextLink, sealPageToken, sendGraphJson } from './graph-response.js';
import { parseFilterOption, parseTop, queryOption } from './odata-query.js';
import type { ResourceSpec } from './resource-shapes.js';

function appRoles(rt: EmulatorRuntime): Record<string, unknown>[] {
  return appRoleValues.map((value, k) => ({
    allowedMemberTypes: ['User'],
    description: `${value} of the application`,
    displayName: value,
    id: deterministicGuid(rt.options.seed, Salt.appRoleId, k),
    isEnabled: true,
    origin: 'Application',
    value,
  }));
}

function servicePrincipal(rt: EmulatorRuntime, client: RegisteredClient): Record<string, unknown> {
  return {
    id: client.servicePrincipalId,
    accountEnabled: true,
    appId: client.clientId,
    appDisplayName: client.displayName,
    displayName: client.displayName,
    appOwnerOrganizationId: rt.tenantId,
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMyOrg',
    appRoleAssignmentRequired: false,
    replyUrls: [...client.redirectUris],
    appRoles: appRoles(rt),
  };
}

const spSpec: ResourceSpec<Record<string, unknown>> = {
  type: 'microsoft.graph.servicePrincipal',
  entitySet: 'servicePrincipals',
  label: 'ServicePrincipal',
  navigation: new Set(),
  properties: new Map(
    ['id', 'appId', 'displayName', 'servicePrincipalType'].map((name) => [
      name.toLowerCase(),
      { name, inDefault: true, filterable: true, endsWith: false, search: null },
    ]),
  ),
  value: (record, property) => record[property],
};

export function listServicePrincipals(ctx: RequestContext, rt: EmulatorRuntime): void {
  const raw = parseFilterOption(queryOption(ctx.url.searchParams, 'filter'));
  const filter = raw === null ? null : checkFilter(raw, spSpec, false);
  const value = rt.options.clients
    .map((c) => servicePrincipal(rt, c))
    .filter((sp) => filter === null || evaluateFilter(filter, spSpec, sp));
  sendGraphJson(ctx, 200, { '@odata.context': contextUrl(ctx, 'servicePrincipals'), value });
}

export function requireServicePrincipal(rt: EmulatorRuntime, key: string): RegisteredClient {
  const alternate = /^\(appId='([^']+)'\)$/i.exec(key);
  const client = alternate
    ? rt.client(alternate[1]!)
    : rt.options.clients.find((c) => c.servicePrincipalId === key.toLowerCase());
  if (!client) throw graphErrors.notFound(alternate?.[1] ?? key);
  return client;
}

/** Whether `key` (an object id or `(appId='…')`) names the calling application's own service principal. */
export function isOwnServicePrincipal(rt: EmulatorRuntime, key: string, appId: string): boolean {
  const alternate = /^\(appId='([^']+)'\)$/i.exec(key);
  if (alternate) return alternate[1] === appId;
  return rt.options.clients.some((c) => c.clientId === appId && c.servicePrincipalId === key.toLowerCase());
}

export function getServicePrincipal(ctx: RequestContext, rt: EmulatorRuntime, key: string): void {
  const sp = servicePrincipal(rt, requireServicePrincipal(rt, key));
  sendGraphJson(ctx, 200, { '@odata.context': contextUrl(ctx, 'servicePrincipals/$entity'), ...sp });
}

/**
 * The app's role assignments: users first (by user index), then groups (principalType `Group`;
 * each direct member of such a group holds the role, as Entra's group-based assignment has it).
 * The page cursor counts users from 0 and groups from -1 downwards, so users added between pages
 * do not shift the groups.
 */
export function listAppRoleAssignedTo(ctx: RequestContext, rt: EmulatorRuntime, key: string): void {
  const client = requireServicePrincipal(rt, key);
  const top = parseTop(queryOption(ctx.url.searchParams, 'top')) ?? 100;
  const skip = queryOption(ctx.url.searchParams, 'skiptoken');
  const roleIds = new Map(appRoles(rt).map((r) => [r.value as string, r.id as string]));
  const { users, groups } = rt.store;
  const value: Record<string, unknown>[] = [];
  const assignment = (
    salt: number,
    index: number,
    role: string,
    principal: { id: string; displayName: string | null; createdDateTime: string },
    principalType: 'User' | 'Group',
  ): Record<string, unknown> => ({
    id: deterministicGuid(rt.options.seed, salt, index).replace(/-/g, '').slice(0, 22),
    appRoleId: roleIds.get(role),
    createdDateTime: principal.createdDateTime,
    principalDisplayName: principal.displayName,
    principalId: principal.id,
    principalType,
    resourceDisplayName: client.displayName,
    resourceId: client.servicePrincipalId,
  });
  let cursor = skip === null ? 0 : openPageToken(rt, ctx, skip);
  for (; cursor >= 0 && cursor < users.size && value.length < top; cursor++) {
    const role = users.isActive(cursor) ? rt.store.appRoleOf(cursor) : null;
    if (role !== null) value.push(assignment(Salt.assignment, cursor, role, users.record(cursor), 'User'));
  }
  if (cursor >= users.size) cursor = -1;
  for (; cursor < 0 && -cursor - 1 < groups.size && value.length < top; cursor--) {
    const j = -cursor - 1;
    const role = groups.isActive(j) ? rt.store.groupAppRoleOf(j) : null;
    if (role !== null) value.push(assignment(Salt.groupAssignment, j, role, groups.record(j), 'Group'));
  }
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, 'appRoleAssignments') };
  const more = cursor >= 0 ? true : -cursor - 1 < groups.size;
  if (more) body['@odata.nextLink'] = nextLink(ctx, sealPageToken(rt, ctx, cursor));
  body.value = value;
  sendGraphJson(ctx, 200, body);
}

export function getOrganization(ctx: RequestContext, rt: EmulatorRuntime): void {
  const domain = rt.store.generated.domain;
  sendGraphJson(ctx, 200, {
    '@odata.context': contextUrl(ctx, 'organization'),
    value: [
      {
        id: rt.tenantId,
        displayName: rt.store.generated.displayName,
        tenantType: 'AAD',
        countryLetterCode: 'US',
        verifiedDomains: [
          {
            capabilities: 'Email, OfficeCommunicationsOnlineService',
            isDefault: true,
            isInitial: true,
            name: domain,
            type: 'Managed',
          },
        ],
      },
    ],
  });
}
