import { randomUUID } from 'node:crypto';
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
import { runScimWrite } from '../scim-write.js';
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
    return sendResource(
      reply,
      200,
      project(renderUser(row, request.scim.baseUrl), parseProjection(request.query as Query), 'User'),
    );
  });

  app.post('/Users', async (request, reply) => {
    const resource = parseUserBody(request.body);
    const id = randomUUID();
    const row = await runScimWrite(runtime, request.scim, async (write) => {
      await write.apply([{ kind: 'user.upsert', user: userChangeInput(id, resource) }]);
      write.audit({
        action: 'scim.user.created',
        targetType: 'directory_user',
        targetId: id,
        after: resource,
      });
      return found(await getDirectoryUser(write.trx, request.scim.connection.id, id), 'User');
    });
    const rendered = renderUser(row, request.scim.baseUrl);
    void reply.header('Location', `${request.scim.baseUrl}/Users/${id}`);
    return sendResource(reply, 201, project(rendered, parseProjection(request.query as Query), 'User'));
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
      await write.apply([{ kind: 'user.upsert', user: userChangeInput(before.id, resource) }]);
      write.audit({
        action: 'scim.user.replaced',
        targetType: 'directory_user',
        targetId: before.id,
        before: storedUserResource(before),
        after: resource,
      });
      return found(await getDirectoryUser(write.trx, request.scim.connection.id, before.id), 'User');
    });
    return sendResource(
      reply,
      200,
      project(renderUser(row, request.scim.baseUrl), parseProjection(request.query as Query), 'User'),
    );
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
      await write.apply([{ kind: 'user.upsert', user: userChangeInput(before.id, resource) }]);
      write.audit({
        action: 'scim.user.patched',
        targetType: 'directory_user',
        targetId: before.id,
        before: current,
        after: resource,
      });
      return found(await getDirectoryUser(write.trx, request.scim.connection.id, before.id), 'User');
    });
    return sendResource(
      reply,
      200,
      project(renderUser(row, request.scim.baseUrl), parseProjection(request.query as Query), 'User'),
    );
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
