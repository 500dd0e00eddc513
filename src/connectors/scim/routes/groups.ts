import { newId } from '../../../ids.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../../runtime.js';
import type { Executor } from '../../../store/database.js';
import { getDirectoryGroup, pageDirectoryMembers } from '../../../store/directory.js';
import type { DirectoryGroupRow } from '../../../store/schema.js';
import type { Change, DirectoryMemberRef } from '../../../sync/change.js';
import { ScimProtocolError } from '../filter/errors.js';
import { listMentions, listResources, parseListParams } from '../list-query.js';
import { applyPatch } from '../patch/index.js';
import {
  groupChangeInput,
  parseGroupBody,
  renderGroup,
  storedGroupResource,
  type RenderedMember,
} from '../resources/group-resource.js';
import { parseProjection, type Projection } from '../resources/projection.js';
import { runScimWrite, type ScimWrite } from '../scim-write.js';
import { found, lockedResource } from './locked-resource.js';
import { isNotModified, listResponse, sendNotModified, sendResource } from './responses.js';

type IdParams = { Params: { id: string } };
type Query = Record<string, string | undefined>;

/**
 * /Groups. Members are rows: `excludedAttributes=members` (what Entra sends) never loads them, and
 * PATCH touches only the members it names, so a 100,000-member group costs what a small one does.
 */
export function registerGroupRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/Groups', async (request, reply) => {
    const query = request.query as Query;
    const params = parseListParams(query);
    // Sorting groups by their member lists would read every member of every group.
    if (params.sortBy?.attribute.toLowerCase() === 'members') {
      throw new ScimProtocolError('sortBy members is not supported: groups are not sorted by their members', {
        status: 400,
        scimType: 'invalidValue',
      });
    }
    const projection = parseProjection(query, 'Group');
    const { baseUrl, connection } = request.scim;
    const render = (row: DirectoryGroupRow) => renderGroup(row, baseUrl, undefined);
    // Entra's deprovisioning flow asks "about the members attribute" with filters such as
    // `members[value eq "…"]` (use-scim-to-provision-users-and-groups.md, "Group provisioning and
    // deprovisioning"): only then are the candidates' members loaded to evaluate the filter.
    const withMembers = async (rows: DirectoryGroupRow[]) => {
      const rendered = [];
      for (const row of rows) {
        const members = await loadMembers(runtime.store.db, connection.id, row.id, baseUrl);
        rendered.push(renderGroup(row, baseUrl, members));
      }
      return rendered;
    };
    const { totalResults, rows } = await listResources(
      runtime.store.db,
      'directory_groups',
      connection.id,
      'Group',
      params,
      render,
      listMentions(params, 'members') ? { renderForQuery: withMembers } : {},
    );
    const resources = [];
    for (const row of rows) resources.push(await renderProjected(runtime.store.db, request, row, projection));
    return listResponse(reply, totalResults, params.startIndex, resources);
  });

  app.get<IdParams>('/Groups/:id', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'Group');
    const row = found(
      await getDirectoryGroup(runtime.store.db, request.scim.connection.id, request.params.id),
      'Group',
    );
    // Before the members are read: a client that holds this version gets no body at all. Only
    // without members: deleting a member user drops its membership without moving the version.
    if (projection.excludes('members') && isNotModified(request, row.version)) {
      return sendNotModified(reply, row.version);
    }
    return sendResource(reply, 200, await renderProjected(runtime.store.db, request, row, projection));
  });

  app.post('/Groups', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'Group');
    const { resource, memberIds } = parseGroupBody(request.body);
    const id = newId();
    const row = await runScimWrite(runtime, request.scim, async (write) => {
      const members = await resolveMembers(write, request.scim.connection.id, memberIds);
      await write.apply([
        { kind: 'group.upsert', group: groupChangeInput(id, resource) },
        { kind: 'members.add', groupId: id, members },
      ]);
      write.audit({
        action: 'scim.group.created',
        targetType: 'directory_group',
        targetId: id,
        after: { ...resource, members: memberIds },
      });
      return found(await getDirectoryGroup(write.trx, request.scim.connection.id, id), 'Group');
    });
    void reply.header('Location', `${request.scim.baseUrl}/Groups/${id}`);
    return sendResource(reply, 201, await renderProjected(runtime.store.db, request, row, projection));
  });

  app.put<IdParams>('/Groups/:id', async (request, reply) => {
    const projection = parseProjection(request.query as Query, 'Group');
    const { resource, memberIds } = parseGroupBody(request.body);
    const row = await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_groups',
        request.params.id,
        getDirectoryGroup,
      );
      const members = await resolveMembers(write, request.scim.connection.id, memberIds);
      await write.apply([
        { kind: 'group.upsert', group: groupChangeInput(before.id, resource, storedGroupResource(before)) },
        { kind: 'members.clear', groupId: before.id },
        { kind: 'members.add', groupId: before.id, members },
      ]);
      write.audit({
        action: 'scim.group.replaced',
        targetType: 'directory_group',
        targetId: before.id,
        before: storedGroupResource(before),
        after: { ...resource, members: memberIds },
      });
      return found(await getDirectoryGroup(write.trx, request.scim.connection.id, before.id), 'Group');
    });
    return sendResource(reply, 200, await renderProjected(runtime.store.db, request, row, projection));
  });

  app.patch<IdParams>('/Groups/:id', async (request, reply) => {
    await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_groups',
        request.params.id,
        getDirectoryGroup,
      );
      const current = storedGroupResource(before);
      const { resource, memberChanges } = applyPatch(current, request.body, 'Group');
      if (typeof resource.displayName !== 'string' || resource.displayName === '') {
        throw new ScimProtocolError('displayName cannot be removed', { scimType: 'mutability' });
      }
      const changes: Change[] = [
        { kind: 'group.upsert', group: groupChangeInput(before.id, resource, current) },
      ];
      if (memberChanges.removeAllMembers) changes.push({ kind: 'members.clear', groupId: before.id });
      if (memberChanges.removed.length > 0)
        changes.push({ kind: 'members.remove', groupId: before.id, memberIds: memberChanges.removed });
      if (memberChanges.added.length > 0) {
        const members = await resolveMembers(write, request.scim.connection.id, memberChanges.added);
        changes.push({ kind: 'members.add', groupId: before.id, members });
      }
      await write.apply(changes);
      write.audit({
        action: 'scim.group.patched',
        targetType: 'directory_group',
        targetId: before.id,
        before: current,
        after: {
          ...resource,
          membersAdded: memberChanges.added,
          membersRemoved: memberChanges.removed,
          removedAllMembers: memberChanges.removeAllMembers === true,
        },
      });
    });
    // RFC 7644 §3.5.2: 204 is allowed; it spares loading a large group's members to answer.
    return reply.code(204).send();
  });

  app.delete<IdParams>('/Groups/:id', async (request, reply) => {
    await runScimWrite(runtime, request.scim, async (write) => {
      const before = await lockedResource(
        write.trx,
        request,
        'directory_groups',
        request.params.id,
        getDirectoryGroup,
      );
      await write.apply([{ kind: 'group.delete', id: before.id }]);
      write.audit({
        action: 'scim.group.deleted',
        targetType: 'directory_group',
        targetId: before.id,
        before: storedGroupResource(before),
      });
    });
    return reply.code(204).send();
  });
}

async function renderProjected(
  db: Executor,
  request: FastifyRequest,
  row: DirectoryGroupRow,
  projection: Projection,
) {
  const members = projection.excludes('members')
    ? undefined
    : await loadMembers(db, request.scim.connection.id, row.id, request.scim.baseUrl);
  return projection.apply(renderGroup(row, request.scim.baseUrl, members));
}

async function loadMembers(
  db: Executor,
  connectionId: string,
  groupId: string,
  baseUrl: string,
): Promise<RenderedMember[]> {
  const members: RenderedMember[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await pageDirectoryMembers(
      db,
      connectionId,
      groupId,
      after === undefined ? { limit: 5000 } : { after, limit: 5000 },
    );
    for (const row of page) {
      const type = row.member_type === 'group' ? 'Group' : 'User';
      members.push({ value: row.member_id, $ref: `${baseUrl}/${type}s/${row.member_id}`, type });
    }
    if (page.length < 5000) return members;
    after = page.at(-1)?.member_id;
  }
}

/**
 * Members name users or groups of this connection; ids it does not know are not stored. On
 * PostgreSQL the member users are read `for share`: a DELETE of one of them (which locks its row
 * first) then waits for this write, and sees its memberships to remove, or this write waits for
 * the DELETE and no longer finds the user. Read without the lock, a user deleted meanwhile was
 * added anyway: a 500 on the group_members foreign key, or a member that no longer exists.
 */
async function resolveMembers(
  write: ScimWrite,
  connectionId: string,
  ids: readonly string[],
): Promise<DirectoryMemberRef[]> {
  const db = write.trx;
  const unique = [...new Set(ids)];
  const refs: DirectoryMemberRef[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const query = db
      .selectFrom('directory_users')
      .select('id')
      .where('connection_id', '=', connectionId)
      .where('id', 'in', chunk)
      .orderBy('id');
    // In id order, so two writes locking overlapping members cannot deadlock each other.
    const users = await (write.rowLocks ? query.forShare() : query).execute();
    const userIds = new Set(users.map((u) => u.id));
    const rest = chunk.filter((id) => !userIds.has(id));
    const groups =
      rest.length === 0
        ? []
        : await db
            .selectFrom('directory_groups')
            .select('id')
            .where('connection_id', '=', connectionId)
            .where('id', 'in', rest)
            .execute();
    refs.push(
      ...[...userIds].map((id) => ({ id, type: 'user' as const })),
      ...groups.map((g) => ({ id: g.id, type: 'group' as const })),
    );
  }
  return refs;
}
