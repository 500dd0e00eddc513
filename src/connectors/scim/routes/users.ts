import { newId } from '../../../ids.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../../runtime.js';
import { getDirectoryUser } from '../../../store/directory.js';
import type { DirectoryUserRow } from '../../../store/schema.js';
import { ScimProtocolError } from '../filter/errors.js';
import { listMentions, listResources, parseListParams } from '../list-query.js';
import { applyPatch } from '../patch/index.js';
import { type Projection, parseProjection } from '../resources/projection.js';
import { loadUserGroups } from '../resources/user-groups.js';
import {
  parseUserBody,
  renderUser,
  storedUserResource,
  userChangeInput,
} from '../resources/user-resource.js';
import { runScimWrite, type ScimWrite } from '../scim-write.js';
import { found, lockedResource } from './locked-resource.js';
import { isNotModified, listResponse, sendNotModified, sendResource } from './responses.js';

type IdParams = { Params: { id: string } };
type Query = Record<string, string | undefined>;

/** /Users: RFC 7644 §3.3 create, §3.4 read and list, §3.5 replace and PATCH, §3.6 delete. */
export function registerUserRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/Users', async (request, reply) => {
    const query = request.query as Query;
    const params = parseListParams(query);
    const projection = parseProjection(query, 'User');
    const { baseUrl, connection } = request.scim;
    const db = runtime.store.db;
    const withGroups = async (rows: DirectoryUserRow[]) => {
      const groups = await loadUserGroups(
        db,
        connection.id,
        rows.map((row) => row.id),
        baseUrl,
      );
      return rows.map((row) => renderUser(row, baseUrl, groups.get(row.id)));
    };
    const { totalResults, rows } = await listResources(
      db,
      'directory_users',
      connection.id,
      'User',
      params,
      (row) => renderUser(row, baseUrl),
      // `groups` are rows: read only when the filter or the sort asks about them.
      listMentions(params, 'groups') ? { renderForQuery: withGroups } : {},
    );
    const page = projection.excludes('groups')
      ? rows.map((row) => renderUser(row, baseUrl))
      : await withGroups(rows);
    return listResponse(
      reply,
      totalResults,
      params.startIndex,
      page.map((user) => projection.apply(user)),
    );
  });

  app.get<IdParams>('/Users/:id', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'User');
    const row = await loadUser(runtime, request);
    // A user's version counts writes to the user, not to the groups it is in, so the `groups` an
    // answer carries may have changed under the same version: 304 only for answers without them.
    if (projection.excludes('groups') && isNotModified(request, row.version)) {
      return sendNotModified(reply, row.version);
    }
    return sendUser(runtime, reply, request, row, { status: 200, projection });
  });

  app.post('/Users', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'User');
    const resource = parseUserBody(request.body);
    const id = newId();
    const row = await runScimWrite(runtime, request.scim, (write) =>
      storeUser(write, request, id, resource, { action: 'scim.user.created', minted: true }),
    );
    void reply.header('Location', `${request.scim.baseUrl}/Users/${id}`);
    // A user just created is in no group yet: nothing to read.
    return sendUser(runtime, reply, request, row, { status: 201, projection, inGroups: false });
  });

  app.put<IdParams>('/Users/:id', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'User');
    const resource = parseUserBody(request.body);
    const row = await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_users',
        request.params.id,
        getDirectoryUser,
      );
      return storeUser(write, request, before.id, resource, {
        action: 'scim.user.replaced',
        before: storedUserResource(before),
      });
    });
    return sendUser(runtime, reply, request, row, { status: 200, projection });
  });

  app.patch<IdParams>('/Users/:id', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'User');
    const row = await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_users',
        request.params.id,
        getDirectoryUser,
      );
      const current = storedUserResource(before);
      const { resource } = applyPatch(current, request.body, 'User');
      if (typeof resource.userName !== 'string' || resource.userName === '') {
        throw new ScimProtocolError('userName cannot be removed', { scimType: 'mutability' });
      }
      return storeUser(write, request, before.id, resource, { action: 'scim.user.patched', before: current });
    });
    return sendUser(runtime, reply, request, row, { status: 200, projection });
  });

  app.delete<IdParams>('/Users/:id', async (request, reply) => {
    await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_users',
        request.params.id,
        getDirectoryUser,
      );
      await write.apply([{ kind: 'user.delete', id: before.id }]);
      write.audit({
        action: 'scim.user.deleted',
        targetType: 'directory_user',
        targetId: before.id,
        before: storedUserResource(before),
      });
    });
    return reply.code(204).send();
  });
}

async function loadUser(runtime: Runtime, request: FastifyRequest<IdParams>): Promise<DirectoryUserRow> {
  return found(
    await getDirectoryUser(runtime.store.db, request.scim.connection.id, request.params.id),
    'User',
  );
}

export type { FastifyReply };

/**
 * Sends the user's new resource down the road, audits the write with before and after, and reads
 * the stored row back for the answer: the common end of POST, PUT and PATCH. `minted` says the id
 * was made by this POST, so nothing stored can refer to it yet.
 */
async function storeUser(
  write: ScimWrite,
  request: FastifyRequest,
  id: string,
  resource: Record<string, unknown>,
  options: { action: string; before?: Record<string, unknown>; minted?: boolean },
): Promise<DirectoryUserRow> {
  const { minted = false, ...audit } = options;
  await write.apply([{ kind: 'user.upsert', user: userChangeInput(id, resource, audit.before), minted }]);
  write.audit({ ...audit, targetType: 'directory_user', targetId: id, after: resource });
  return found(await getDirectoryUser(write.trx, request.scim.connection.id, id), 'User');
}

/**
 * Answers with a user, shaped by the request's `attributes` / `excludedAttributes`; its `groups`
 * are read unless the projection leaves them out or the user can be in none (`inGroups: false`).
 */
async function sendUser(
  runtime: Runtime,
  reply: FastifyReply,
  request: FastifyRequest,
  row: DirectoryUserRow,
  options: { status: number; projection: Projection; inGroups?: boolean },
) {
  const { status, projection, inGroups = true } = options;
  const { baseUrl, connection } = request.scim;
  const groups =
    inGroups && !projection.excludes('groups')
      ? (await loadUserGroups(runtime.store.db, connection.id, [row.id], baseUrl)).get(row.id)
      : undefined;
  return sendResource(reply, status, projection.apply(renderUser(row, baseUrl, groups)));
}
