import { useState } from 'react';
import { reconcilePolicy, type Connection, type ReconcileOutcome, type SeatCheck } from '../api/connections';
import { CountList } from './run-summary';
import { ErrorNotice, Notice, formatCount, plural } from './ui';
import { useAction, useSession } from '../hooks';

/*
 * Applying a saved policy to the users and groups a connection already brought. A Graph
 * connection's next sync does it by itself; a SCIM connection has no sync, and Entra's later
 * requests follow the new policy only for what they touch, so the users already provisioned keep
 * the old one until an admin applies it. Either way the admin sees what it would change first (a
 * dry run), then confirms. Read-only people see whether it is pending, and no button.
 *
 * The preview shows what would stop or spoil the apply before the admin clicks: a change above
 * the seat limit is refused whole (409), so its Apply button is disabled, the notice says why, and
 * "Check again" previews anew once seats are freed or the limit raised; users the policy cannot
 * map are skipped, each with its reason.
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
  const overSeatLimit = preview?.seatCheck?.exceeded === true;
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
          {overSeatLimit && preview.seatCheck && <SeatLimitNotice check={preview.seatCheck} />}
          <ChangeErrors errors={preview.errors} dryRun />
          {preview.notes.map((note) => (
            <Notice key={note} kind="warning">
              {note}
            </Notice>
          ))}
          <button
            type="button"
            className="primary"
            disabled={busy || overSeatLimit}
            onClick={() => void apply.run()}
          >
            {apply.busy ? 'Applying…' : 'Apply'}
          </button>{' '}
          {overSeatLimit && (
            <>
              <button type="button" disabled={busy} onClick={() => void startPreview.run()}>
                {startPreview.busy ? 'Checking…' : 'Check again'}
              </button>{' '}
            </>
          )}
          <button type="button" disabled={apply.busy} onClick={() => setPreview(undefined)}>
            Not now
          </button>
        </div>
      )}
      {applied && (
        <div className="policy-applied">
          <Notice kind="success">Applied the policy to the users and groups {already}.</Notice>
          <CountList counts={applied.counts} dryRun={false} empty="No changes." />
          <ChangeErrors errors={applied.errors} dryRun={false} />
        </div>
      )}
      <ErrorNotice error={startPreview.error ?? apply.error} />
    </div>
  );
}

/** Why the Apply button is disabled: the change would end above the organization's seat limit. */
function SeatLimitNotice(props: { check: SeatCheck }) {
  const { wouldImport, seatsUsed, seatLimit } = props.check;
  return (
    <div className="seat-limit-exceeded">
      <Notice kind="error">
        This would exceed the seat limit: it creates or reactivates {plural(wouldImport, 'user')}, so{' '}
        {formatCount(seatsUsed)} seats would be in use, above the organization&apos;s limit of{' '}
        {formatCount(seatLimit)}. Applying it would be refused and change nothing. Raise the seat limit, or
        narrow the policy&apos;s scope.
      </Notice>
    </div>
  );
}

/** A whole tenant may fail one mapping; the first errors say what is wrong, the count says how widely. */
const maxErrorsShown = 50;

/** The users (or groups) the policy cannot apply to, each with the reason; the others are applied. */
function ChangeErrors(props: { errors: ReconcileOutcome['errors']; dryRun: boolean }) {
  if (props.errors.length === 0) return null;
  const errors = plural(props.errors.length, 'error');
  return (
    <div className="change-errors">
      <Notice kind="warning">
        {props.dryRun
          ? `${errors}: these would be skipped, the rest applied.`
          : `${errors}: these were skipped, the rest applied.`}
      </Notice>
      <ul className="errors">
        {props.errors.slice(0, maxErrorsShown).map((error, index) => (
          <li key={index}>
            <span className="mono">{error.objectId}: </span>
            {error.message}
          </li>
        ))}
        {props.errors.length > maxErrorsShown && (
          <li className="muted">and {formatCount(props.errors.length - maxErrorsShown)} more</li>
        )}
      </ul>
    </div>
  );
}
