import { useEffect, useState } from 'react';
import { deleteConnection, getPolicy, type Connection } from '../api/connections';
import { navigate } from '../router';
import { CountList } from './run-summary';
import { ErrorNotice, Notice } from './ui';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * Deleting a connection: what it brought leaves Roster as if the directory had deleted it. Its
 * groups are deleted and its users are deactivated or deleted, as the policy's
 * `lifecycle.onDelete` says; the question reads the policy when it is asked, so it says what
 * will really happen. Then Integrations shows what was done. Only those who may change see it.
 */

/** What Integrations shows after a delete; it travels in the history entry (see `navigate`). */
export interface ConnectionDeletedNote {
  deletedConnection: { name: string; counts: Record<string, number> };
}

export function isConnectionDeletedNote(value: unknown): value is ConnectionDeletedNote {
  const note = (value as Partial<ConnectionDeletedNote> | null)?.deletedConnection;
  return typeof note?.name === 'string' && note.counts !== null && typeof note.counts === 'object';
}

/**
 * `syncsEnded` changes when a sync of the connection ends: a refusal because it was running no
 * longer holds, so it is cleared, as it is when the question is asked again.
 */
export function DeleteConnection(props: { connection: Connection; syncsEnded?: number }) {
  const { session } = useSession();
  const c = props.connection;
  const [asking, setAsking] = useState(false);
  const policy = useAsync(async () => (asking ? getPolicy(c.id) : undefined), [c.id, asking]);
  const remove = useAction(async () => {
    const answer = await deleteConnection(c.id);
    const note: ConnectionDeletedNote = { deletedConnection: { name: c.name, counts: answer.counts } };
    navigate('/', { state: note });
  });
  const { reset } = remove;
  useEffect(() => reset(), [props.syncsEnded, asking, reset]);
  if (!session.canChange) return null;
  const lifecycle = policy.data?.effective.lifecycle as { onDelete?: unknown } | undefined;
  const onDelete = lifecycle?.onDelete === 'delete' ? 'delete' : 'deactivate';
  return (
    <div className="card">
      <h2>Delete this connection</h2>
      {!asking ? (
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          Delete connection
        </button>
      ) : (
        <div className="confirm" role="group" aria-label="Delete connection">
          <ErrorNotice error={policy.error} />
          {policy.data && <p>{deleteQuestion(c, onDelete)}</p>}
          <button
            type="button"
            className="danger"
            disabled={!policy.data || remove.busy}
            onClick={() => void remove.run()}
          >
            {remove.busy ? 'Deleting…' : 'Yes, delete the connection'}
          </button>{' '}
          <button type="button" disabled={remove.busy} onClick={() => setAsking(false)}>
            Keep it
          </button>
        </div>
      )}
      <ErrorNotice error={remove.error} />
    </div>
  );
}

function deleteQuestion(c: Connection, onDelete: 'delete' | 'deactivate'): string {
  const users =
    onDelete === 'delete'
      ? 'its users are deleted from Roster, as the policy says for users deleted in the directory'
      : 'its users are deactivated (they stay in Roster, inactive), as the policy says for users deleted in the directory';
  const after =
    c.kind === 'scim'
      ? "Its tokens stop working, so Entra's provisioning to its Tenant URL fails from then on."
      : 'Its schedule and its sync history go too.';
  return `Delete “${c.name}”? Its groups are deleted, and ${users}. A user or group another connection also brings passes to that one; users left deactivated become local, for you to manage. The platform is told of each change. ${after} This cannot be undone.`;
}

/** Integrations' notice after a delete: which connection, and what it took along. */
export function ConnectionDeletedNotice(props: { note: ConnectionDeletedNote }) {
  const { name, counts } = props.note.deletedConnection;
  return (
    <div className="connection-deleted">
      <Notice kind="success">Deleted the connection “{name}”.</Notice>
      <CountList counts={counts} dryRun={false} empty="It had no users or groups: nothing else changed." />
    </div>
  );
}
