import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../../store/database.js';
import { ScimProtocolError } from '../filter/errors.js';
import { etagOf, ifMatchAllows, ifNoneMatchMatches } from '../resources/scim-meta.js';
import { scimNotFound } from '../scim-error.js';
import { lockDirectoryRow } from '../scim-write.js';

type Table = 'directory_users' | 'directory_groups';

/**
 * Reads the resource a write is about inside the write's transaction, locked so concurrent
 * writes to it queue, and checks the request's If-Match and If-None-Match against its version
 * (RFC 7644 §3.14).
 */
export async function lockedResource<Row extends { version: number }>(
  trx: Executor,
  request: FastifyRequest,
  table: Table,
  id: string,
  read: (trx: Executor, connectionId: string, id: string) => Promise<Row | undefined>,
): Promise<Row> {
  await lockDirectoryRow(trx, table, request.scim.connection.id, id);
  const row = found(
    await read(trx, request.scim.connection.id, id),
    table === 'directory_users' ? 'User' : 'Group',
  );
  const ifMatch = request.headers['if-match'];
  if (!ifMatchAllows(typeof ifMatch === 'string' ? ifMatch : undefined, row.version)) {
    throw new ScimProtocolError(`The resource changed; its version is now ${etagOf(row.version)}`, {
      status: 412,
    });
  }
  // RFC 7232 §3.2: a write whose If-None-Match names the current version must not proceed.
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatchMatches(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, row.version)) {
    throw new ScimProtocolError(`The resource is still at version ${etagOf(row.version)}`, { status: 412 });
  }
  return row;
}

/** The row, or the SCIM 404 Entra expects for an unknown id. */
export function found<T>(row: T | undefined, resourceType: 'User' | 'Group'): T {
  if (row === undefined) throw scimNotFound(resourceType);
  return row;
}
