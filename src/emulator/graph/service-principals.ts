/**
 * The enterprise applications of the emulated tenant: one service principal per registered
 * client, each exposing the app roles Admin, User, ReadOnly and EnterpriseAdmin, and the users
 * assigned to them ("List appRoleAssignments granted for a service principal",
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

export function getServicePrincipal(ctx: RequestContext, rt: EmulatorRuntime, key: string): void {
  const sp = servicePrincipal(rt, requireServicePrincipal(rt, key));
  sendGraphJson(ctx, 200, { '@odata.context': contextUrl(ctx, 'servicePrincipals/$entity'), ...sp });
}

/** Users holding one of the app's roles, paged by user index. */
export function listAppRoleAssignedTo(ctx: RequestContext, rt: EmulatorRuntime, key: string): void {
  const client = requireServicePrincipal(rt, key);
  const top = parseTop(queryOption(ctx.url.searchParams, 'top')) ?? 100;
  const skip = queryOption(ctx.url.searchParams, 'skiptoken');
  const roleIds = new Map(appRoles(rt).map((r) => [r.value as string, r.id as string]));
  const users = rt.store.users;
  const value: Record<string, unknown>[] = [];
  let i = skip === null ? 0 : openPageToken(rt, ctx, skip);
  for (; i < users.size && value.length < top; i++) {
    const role = users.isActive(i) ? rt.store.appRoleOf(i) : null;
    if (role === null) continue;
    const user = users.record(i);
    value.push({
      id: deterministicGuid(rt.options.seed, Salt.assignment, i).replace(/-/g, '').slice(0, 22),
      appRoleId: roleIds.get(role),
      createdDateTime: user.createdDateTime,
      principalDisplayName: user.displayName,
      principalId: user.id,
      principalType: 'User',
      resourceDisplayName: client.displayName,
      resourceId: client.servicePrincipalId,
    });
  }
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, 'appRoleAssignments') };
  if (i < users.size) body['@odata.nextLink'] = nextLink(ctx, sealPageToken(rt, ctx, i));
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
