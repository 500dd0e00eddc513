import { useState } from 'react';
import { reconcilePolicy, type Connection, type ReconcileOutcome } from '../api/connections';
import { CountList } from './run-summary';
import { ErrorNotice, Notice } from './ui';
import { useAction, useSession } from '../hooks';

/*
 * Applying a saved policy to the users and groups a connection already brought. A Graph
 * connection's next sync does it by itself; a SCIM connection has no sync, and Entra's later
 * requests follow the new policy only for what they touch, so the users already provisioned keep
 * the old one until an admin applies it. Either way the admin sees what it would change first (a
 * dry run), then confirms. Read-only people see whether it is pending, and no button.
 */

/** What saving a policy means for the connection: a Graph sync applies it, Entra's changes follow it. */
export function savedText(kind: Connection['kind']): string {
  return kind === 'graph'
    ? 'Saved. The next sync applies it.'
    : 'Saved. It applies to new changes from Entra.';
}

function pendingText(kind: Connection['kind']): string {
  return kind === 'graph'
    ? 'The saved policy is not applied yet to the users and groups already synced. The next sync applies it, or apply it now.'
    : 'The saved policy is not applied yet to the users and groups already provisioned: it applies to new changes from Entra only, until you apply it to them.';
}

const actionLabel = (kind: Connection['kind']) =>
  kind === 'graph' ? 'Apply now' : 'Apply to the users already provisioned';

export function ApplyPolicy(props: { connection: Connection; pending: boolean; onApplied: () => void }) {
  const { session } = useSession();
  const { id, kind } = props.connection;
  const [preview, setPreview] = useState<ReconcileOutcome>();
  const [applied, setApplied] = useState<ReconcileOutcome>();
  const startPreview = useAction(async () => {
    setApplied(undefined);
    setPreview(await reconcilePolicy(id, { dryRun: true }));
  });
  const apply = useAction(async () => {
    const outcome = await reconcilePolicy(id, { dryRun: false });
    setPreview(undefined);
    setApplied(outcome);
    props.onApplied();
  });
  const busy = startPreview.busy || apply.busy;
  const already = kind === 'graph' ? 'already synced' : 'already provisioned';
  return (
    <div className="apply-policy">
      {props.pending && (
        <div className="policy-pending">
          <Notice kind="warning">{pendingText(kind)}</Notice>
          {session.canChange && !preview && (
            <button type="button" disabled={busy} onClick={() => void startPreview.run()}>
              {startPreview.busy ? 'Checking what it changes…' : actionLabel(kind)}
            </button>
          )}
        </div>
      )}
      {preview && (
        <div className="confirm" role="group" aria-label="Apply the policy">
          <p>Applying the saved policy to the users and groups {already}:</p>
          <CountList counts={preview.counts} dryRun empty="No changes." />
          {preview.notes.map((note) => (
            <Notice key={note} kind="warning">
              {note}
            </Notice>
          ))}
          <button type="button" className="primary" disabled={busy} onClick={() => void apply.run()}>
            {apply.busy ? 'Applying…' : 'Apply'}
          </button>{' '}
          <button type="button" disabled={apply.busy} onClick={() => setPreview(undefined)}>
            Not now
          </button>
        </div>
      )}
      {applied && (
        <div className="policy-applied">
          <Notice kind="success">Applied the policy to the users and groups {already}.</Notice>
          <CountList counts={applied.counts} dryRun={false} empty="No changes." />
        </div>
      )}
      <ErrorNotice error={startPreview.error ?? apply.error} />
    </div>
  );
}
