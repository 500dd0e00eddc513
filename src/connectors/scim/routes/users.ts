import { newId } from '../../../ids.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../../runtime.js';
import { getDirectoryUser } from '../../../store/directory.js';
import type { DirectoryUserRow } from '../../../store/schema.js';
import { ScimProtocolError } from '../filter/errors.js';
import { listResources, parseListParams } from '../list-query.js';
import { applyPatch } from '../patch/index.js';
import { parseProjection, project } from '../resources/projection.js';
import {
  parseUserBody,
  renderUser,
  storedUserResource,
  userChangeInput,
} from '../resources/user-resource.js';
import { runScimWrite, type ScimWrite } from '../scim-write.js';
import { found, lockedResource } from './locked-resource.js';
import { listResponse, sendResource } from './responses.js';

type IdParams = { Params: { id: string } };
type Query = Record<string, string | undefined>;

/** /Users: RFC 7644 §3.3 create, §3.4 read and list, §3.5 replace and PATCH, §3.6 delete. */
export function registerUserRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/Users', async (request, reply) => {
    const query = request.query as Query;
    const params = parseListParams(query);
    const projection = parseProjection(query);
    const { baseUrl, connection } = request.scim;
    const render = (row: DirectoryUserRow) => renderUser(row, baseUrl);
    const { totalResults, rows } = await listResources(
      runtime.store.db,
      'directory_users',
      connection.id,
      'User',
      params,
      render,
    );
    return listResponse(
      reply,
      totalResults,
      params.startIndex,
      rows.map((row) => project(render(row), projection, 'User')),
    );
  });

  app.get<IdParams>('/Users/:id', async (request, reply) => {
    const row = await loadUser(runtime, request);
    return sendUser(reply, request, row, 200);
  });

  app.post('/Users', async (request, reply) => {
    const resource = parseUserBody(request.body);
    const id = newId();
    const row = await runScimWrite(runtime, request.scim, (write) =>
      storeUser(write, request, id, resource, { action: 'scim.user.created', minted: true }),
    );
    void reply.header('Location', `${request.scim.baseUrl}/Users/${id}`);
    return sendUser(reply, request, row, 201);
  });

  app.put<IdParams>('/Users/:id', async (request, reply) => {
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
    return sendUser(reply, request, row, 200);
  });

  app.patch<IdParams>('/Users/:id', async (request, reply) => {
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
    return sendUser(reply, request, row, 200);
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
  await write.apply([{ kind: 'user.upsert', user: userChangeInput(id, resource), minted }]);
  write.audit({ ...audit, targetType: 'directory_user', targetId: id, after: resource });
  return found(await getDirectoryUser(write.trx, request.scim.connection.id, id), 'User');
}

/** Answers with a user, shaped by the request's `attributes` / `excludedAttributes`. */
function sendUser(reply: FastifyReply, request: FastifyRequest, row: DirectoryUserRow, status: number) {
  const rendered = renderUser(row, request.scim.baseUrl);
  return sendResource(reply, status, project(rendered, parseProjection(request.query as Query), 'User'));
}
