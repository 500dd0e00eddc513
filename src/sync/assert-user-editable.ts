import { assertLocallyEditable, type LocalUserChange } from '../domain/policy/assert-locally-editable.js';
import { notFound } from '../errors.js';
import type { Executor } from '../store/database.js';
import { findConnection } from '../store/connections.js';
import { findUser } from '../store/users.js';

/**
 * The lock check as the REST API and portal call it: loads the user and the name of the connection
 * that owns it, then applies `assertLocallyEditable` (409 `locked_by_directory` naming the
 * connection). Call it inside the transaction that would make the change.
 */
export async function assertUserLocallyEditable(
  db: Executor,
  organizationId: string,
  userId: string,
  change: LocalUserChange,
): Promise<void> {
  const user = await findUser(db, organizationId, userId);
  if (!user) throw notFound(`User "${userId}"`);
  const connection = user.source_connection_id
    ? await findConnection(db, user.source_connection_id)
    : undefined;
  assertLocallyEditable(
    {
      source: user.source,
      connectionId: user.source_connection_id,
      connectionName: connection?.name,
      email: user.email,
    },
    change,
  );
}
