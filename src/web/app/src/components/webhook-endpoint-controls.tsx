import { useState } from 'react';
import { rotateWebhookSecret, setWebhookStatus, type WebhookEndpoint } from '../api/activity';
import { Badge, ConfirmButton, CopyField, ErrorNotice, Notice, formatTime, plural } from './ui';
import { useAction, useSession } from '../hooks';

/**
 * A webhook endpoint's state and what an admin can do about it: enable one that Roster (or an
 * admin) disabled, disable one, and rotate its signing secret. Without them an endpoint Roster
 * disabled after it kept failing could only be brought back through the REST API.
 */

/** Disabled since when and why, or failing since when: what the API says, in plain words. */
export function EndpointState(props: { endpoint: WebhookEndpoint }) {
  const e = props.endpoint;
  if (e.status === 'disabled')
    return (
      <p>
        <Badge value="disabled" /> Disabled since {formatTime(e.disabledAt)}
        {e.disabledReason && <>: {e.disabledReason}</>}. Events are not sent to it while it is disabled.
      </p>
    );
  return (
    <p>
      <Badge value="enabled" />{' '}
      {e.failingSince && (
        <span className="muted small">
          Failing since {formatTime(e.failingSince)} ({plural(e.consecutiveFailures, 'failed attempt')} in a
          row)
        </span>
      )}
    </p>
  );
}

/**
 * Enable, Disable and Rotate secret, for those who may change; `onChange` reloads the endpoint.
 * A note on what a change did shows only once the reloaded endpoint agrees with it.
 */
export function EndpointControls(props: { endpoint: WebhookEndpoint; onChange: () => void }) {
  const { session } = useSession();
  const e = props.endpoint;
  const [changedTo, setChangedTo] = useState<WebhookEndpoint['status']>();
  const [secret, setSecret] = useState<string>();
  const status = useAction(async (next: WebhookEndpoint['status']) => {
    await setWebhookStatus(e.id, next);
    setChangedTo(next);
    props.onChange();
  });
  const rotate = useAction(async () => {
    // Only the secret: the endpoint itself is unchanged but for its update time.
    setSecret((await rotateWebhookSecret(e.id)).secret);
  });
  if (!session.canChange) return null;
  return (
    <div>
      {changedTo === 'enabled' && e.status === 'enabled' && (
        <Notice kind="success">
          Enabled. New events are sent to it again, and deliveries still pending resume. Events from while it
          was disabled are not sent: the receiver can read them from the Events API.
        </Notice>
      )}
      {changedTo === 'disabled' && e.status === 'disabled' && <Notice kind="success">Disabled.</Notice>}
      <ErrorNotice error={status.error ?? rotate.error} />
      {secret && (
        <>
          <Notice kind="warning">
            Copy the new signing secret now: it is shown only once. Deliveries from the next attempt are
            signed with it, so the old one no longer verifies them.
          </Notice>
          <CopyField label="New signing secret (shown once)" value={secret} secret />
        </>
      )}
      <div className="actions">
        {e.status === 'disabled' ? (
          <button
            type="button"
            className="primary small"
            disabled={status.busy}
            onClick={() => void status.run('enabled')}
          >
            Enable
          </button>
        ) : (
          <ConfirmButton
            label="Disable"
            className="small"
            confirmLabel="Yes, disable it"
            disabled={status.busy}
            question="Disable this endpoint? Events that happen while it is disabled are never sent to it, not even once it is enabled again; they stay in the Events API."
            onConfirm={() => void status.run('disabled')}
          />
        )}
        <ConfirmButton
          label="Rotate secret"
          className="small"
          confirmLabel="Yes, rotate it"
          disabled={rotate.busy}
          question="Rotate the signing secret? Roster signs with a new one from the next attempt, and the old one stops verifying at once: put the new secret in the receiver straight away."
          onConfirm={() => void rotate.run()}
        />
      </div>
    </div>
  );
}
