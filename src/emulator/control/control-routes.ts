/**
 * `/_emulator/*`: the TenantControl API over HTTP (JSON in, JSON out), so a separately started
 * `roster emulator` can be driven by tests and the CLI. No authentication: loopback callers only
 * (anything else gets 403). Ids accept object ids; users also their userPrincipalName.
 *
 *   GET    /_emulator                         summary: tenant, URLs, registered clients, counts
 *   GET    /_emulator/counts
 *   GET    /_emulator/users?offset=&limit=    POST /_emulator/users {displayName, …}
 *   GET    /_emulator/users/{id}              PATCH /_emulator/users/{id} {…changed properties}
 *   POST   /_emulator/users/{id}/disable      POST /_emulator/users/{id}/enable
 *   POST   /_emulator/users/{id}/restore      DELETE /_emulator/users/{id}[?hard=true]
 *   PUT    /_emulator/users/{id}/manager {managerId|null}   PUT /_emulator/users/{id}/app-role {role|null}
 *   GET    /_emulator/groups?offset=&limit=   POST /_emulator/groups {displayName, members?: [ids]}
 *   GET    /_emulator/groups/{id}             PATCH /_emulator/groups/{id}   DELETE /_emulator/groups/{id}[?hard=true]
 *   PUT    /_emulator/groups/{id}/app-role {role|null}   (an app role assignment to the group)
 *   GET    /_emulator/groups/{id}/members     POST /_emulator/groups/{id}/members {memberId}
 *   DELETE /_emulator/groups/{id}/members/{memberId}
 *   DELETE /_emulator/objects/{id}            permanent delete of a user or group (also soft-deleted)
 *   POST   /_emulator/delta-tokens/expire     every issued delta/skip token → 410 Gone
 *   GET|POST|DELETE /_emulator/failures       {path: regex, status: 403|429|500|503|504, count?, retryAfterSeconds?, method?}
 *   PUT    /_emulator/throttle {resourceUnits, windowSeconds?} | null    DELETE /_emulator/throttle
 *   PUT    /_emulator/token-lifetime {seconds}
 *   GET|DELETE /_emulator/requests            the request log
 */
import { EmulatorError } from '../emulator-error.js';
import type { FailureRule } from '../failure-injection.js';
import { isLoopback, readBody, sendJson, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { ThrottleSettings } from '../throttle.js';
import type { AppRoleValue } from '../directory-types.js';
import type { TenantControl } from './tenant-control.js';

type Json = Record<string, unknown>;

async function jsonBody(ctx: RequestContext): Promise<unknown> {
  const text = await readBody(ctx.req);
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EmulatorError('invalid_input', 'the request body is not valid JSON');
  }
}

async function objectBody(ctx: RequestContext): Promise<Json> {
  const body = await jsonBody(ctx);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new EmulatorError('invalid_input', 'the request body must be a JSON object');
  }
  return body as Json;
}

const paging = (url: URL): { offset: number; limit: number } => ({
  offset: Number(url.searchParams.get('offset') ?? 0) || 0,
  limit: Number(url.searchParams.get('limit') ?? 100) || 100,
});

export function emulatorSummary(rt: EmulatorRuntime, tenant: TenantControl): Json {
  return {
    tenantId: rt.tenantId,
    domain: tenant.domain,
    loginUrl: rt.origin,
    graphUrl: rt.options.graphUrl ?? rt.origin,
    issuer: rt.issuerV2,
    seed: rt.options.seed,
    clients: rt.options.clients.map((c) => ({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      certificate: c.certificate !== null,
      roles: c.roles,
      redirectUris: c.redirectUris,
      servicePrincipalId: c.servicePrincipalId,
    })),
    counts: tenant.counts(),
  };
}

export async function handleControlRequest(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  tenant: TenantControl,
): Promise<void> {
  if (!isLoopback(ctx.req))
    throw new EmulatorError('invalid_input', 'control routes answer loopback callers only');
  const parts = ctx.url.pathname
    .split('/')
    .slice(2)
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const [area, id, sub, subId] = parts;
  const method = ctx.method;
  const hard = ctx.url.searchParams.get('hard') === 'true';
  const ok = (body: unknown, status = 200): void => sendJson(ctx, status, body);

  if (area === undefined && method === 'GET') return ok(emulatorSummary(rt, tenant));
  if (area === 'counts' && method === 'GET') return ok(tenant.counts());
  if (area === 'users') {
    if (id === undefined && method === 'GET') return ok({ value: tenant.listUsers(paging(ctx.url)) });
    if (id === undefined && method === 'POST') return ok(tenant.addUser(await objectBody(ctx)), 201);
    if (id !== undefined && sub === undefined) {
      if (method === 'GET') {
        const user = tenant.getUser(id);
        if (!user) throw new EmulatorError('not_found', `User '${id}' does not exist in the emulated tenant`);
        return ok(user);
      }
      if (method === 'PATCH') return ok(tenant.updateUser(id, await objectBody(ctx)));
      if (method === 'DELETE') {
        tenant.deleteUser(id, { hard });
        return ok({ deleted: id, hard });
      }
    }
    if (id !== undefined && method === 'POST' && sub === 'disable') return ok(tenant.disableUser(id));
    if (id !== undefined && method === 'POST' && sub === 'enable') return ok(tenant.enableUser(id));
    if (id !== undefined && method === 'POST' && sub === 'restore') return ok(tenant.restoreUser(id));
    if (id !== undefined && method === 'PUT' && sub === 'manager') {
      const body = await objectBody(ctx);
      tenant.setManager(id, typeof body.managerId === 'string' ? body.managerId : null);
      return ok(tenant.getUser(id));
    }
    if (id !== undefined && method === 'PUT' && sub === 'app-role') {
      const body = await objectBody(ctx);
      tenant.setAppRole(id, typeof body.role === 'string' ? (body.role as AppRoleValue) : null);
      return ok(tenant.getUser(id));
    }
  }
  if (area === 'groups') {
    if (id === undefined && method === 'GET') return ok({ value: tenant.listGroups(paging(ctx.url)) });
    if (id === undefined && method === 'POST') return ok(tenant.addGroup(await objectBody(ctx)), 201);
    if (id !== undefined && sub === undefined) {
      if (method === 'GET') {
        const group = tenant.getGroup(id);
        if (!group)
          throw new EmulatorError('not_found', `Group '${id}' does not exist in the emulated tenant`);
        return ok(group);
      }
      if (method === 'PATCH') return ok(tenant.updateGroup(id, await objectBody(ctx)));
      if (method === 'DELETE') {
        tenant.deleteGroup(id, { hard });
        return ok({ deleted: id, hard });
      }
    }
    if (id !== undefined && method === 'PUT' && sub === 'app-role') {
      const body = await objectBody(ctx);
      tenant.setGroupAppRole(id, typeof body.role === 'string' ? (body.role as AppRoleValue) : null);
      return ok(tenant.getGroup(id));
    }
    if (id !== undefined && sub === 'members') {
      if (subId === undefined && method === 'GET') return ok({ value: tenant.listMembers(id) });
      if (subId === undefined && method === 'POST') {
        const body = await objectBody(ctx);
        if (typeof body.memberId !== 'string')
          throw new EmulatorError('invalid_input', 'memberId is required');
        return ok({ added: tenant.addMember(id, body.memberId) });
      }
      if (subId !== undefined && method === 'DELETE') return ok({ removed: tenant.removeMember(id, subId) });
    }
  }
  if (area === 'objects' && id !== undefined && method === 'DELETE') {
    tenant.hardDelete(id);
    return ok({ deleted: id, hard: true });
  }
  if (area === 'delta-tokens' && id === 'expire' && method === 'POST') {
    tenant.expireDeltaTokens();
    return ok({ expired: true });
  }
  if (area === 'failures') {
    if (method === 'GET') return ok({ value: tenant.pendingFailures() });
    if (method === 'POST') {
      const body = await objectBody(ctx);
      const rule = body as unknown as FailureRule;
      try {
        tenant.injectFailures(rule);
      } catch (error) {
        throw new EmulatorError('invalid_input', error instanceof Error ? error.message : String(error));
      }
      return ok({ value: tenant.pendingFailures() }, 201);
    }
    if (method === 'DELETE') {
      tenant.clearFailures();
      return ok({ cleared: true });
    }
  }
  if (area === 'throttle' && (method === 'PUT' || method === 'DELETE')) {
    const body = method === 'PUT' ? await jsonBody(ctx) : null;
    try {
      tenant.setThrottle(body === null ? null : (body as ThrottleSettings));
    } catch (error) {
      throw new EmulatorError('invalid_input', error instanceof Error ? error.message : String(error));
    }
    return ok({ throttle: rt.throttle.settings });
  }
  if (area === 'token-lifetime' && method === 'PUT') {
    const body = await objectBody(ctx);
    try {
      tenant.setAccessTokenLifetime(Number(body.seconds));
    } catch (error) {
      throw new EmulatorError('invalid_input', error instanceof Error ? error.message : String(error));
    }
    return ok({ seconds: rt.accessTokenLifetimeSeconds });
  }
  if (area === 'requests') {
    if (method === 'GET') return ok({ total: rt.requestLog.total, value: tenant.requests() });
    if (method === 'DELETE') {
      tenant.clearRequests();
      return ok({ cleared: true });
    }
  }
  throw new EmulatorError('not_found', `no control route ${method} ${ctx.url.pathname}`);
}
