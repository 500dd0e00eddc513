import { useState, type FormEvent } from 'react';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  type WebhookEndpoint,
} from '../api/activity';
import { Badge, CopyField, ErrorNotice, Field, Loading, ReadOnlyNotice, formatTime } from '../components/ui';
import { EndpointControls, EndpointState } from '../components/webhook-endpoint-controls';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * Webhook endpoints: their state (disabled, since when and why), enabling and disabling, secret
 * rotation, their recent deliveries and redelivery of one.
 */
export function WebhooksPage() {
  const { session } = useSession();
  const endpoints = useAsync(listWebhooks, []);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('');
  const [secret, setSecret] = useState<string>();
  const create = useAction(async () => {
    const eventTypes = types
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const created = await createWebhook({
      url: url.trim(),
      ...(eventTypes.length > 0 ? { eventTypes } : {}),
    });
    setSecret(created.secret);
    setUrl('');
    endpoints.reload();
  });
  const remove = useAction(async (id: string) => {
    await deleteWebhook(id);
    endpoints.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <section>
      <h1>Webhooks</h1>
      {!session.canChange && <ReadOnlyNotice role={session.role} />}
      <ErrorNotice error={endpoints.error} onRetry={endpoints.reload} />
      <ErrorNotice error={remove.error} />
      {!endpoints.data && !endpoints.error && <Loading />}
      {(endpoints.data?.data ?? []).map((endpoint) => (
        <Endpoint
          key={endpoint.id}
          endpoint={endpoint}
          canChange={session.canChange}
          onChange={endpoints.reload}
          onDelete={() => void remove.run(endpoint.id)}
        />
      ))}
      {endpoints.data?.data.length === 0 && <p className="muted">No endpoints yet.</p>}
      {session.canChange && (
        <form className="card form" onSubmit={submit}>
          <h2>Add an endpoint</h2>
          <Field
            label="URL"
            type="url"
            required
            value={url}
            placeholder="https://example.com/roster-events"
            onChange={(e) => setUrl(e.target.value)}
          />
          <Field
            label="Event types"
            value={types}
            placeholder="user.created, user.deactivated (empty: all)"
            onChange={(e) => setTypes(e.target.value)}
          />
          <ErrorNotice error={create.error} />
          <button type="submit" className="primary" disabled={create.busy}>
            Add endpoint
          </button>
          {secret && <CopyField label="Signing secret (shown once)" value={secret} secret />}
        </form>
      )}
    </section>
  );
}

function Endpoint(props: {
  endpoint: WebhookEndpoint;
  canChange: boolean;
  onChange: () => void;
  onDelete: () => void;
}) {
  const e = props.endpoint;
  const deliveries = useAsync(() => listDeliveries(e.id, { limit: 10 }), [e.id]);
  const again = useAction(async (deliveryId: string) => {
    await redeliver(e.id, deliveryId);
    deliveries.reload();
  });
  return (
    <article className="card">
      <h2 className="mono">{e.url}</h2>
      <EndpointState endpoint={e} />
      <p className="muted small">{e.eventTypes.join(', ') || 'all events'}</p>
      <EndpointControls endpoint={e} onChange={props.onChange} />
      <h3>Recent deliveries</h3>
      <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} />
      <ErrorNotice error={again.error} />
      <ul className="plain">
        {(deliveries.data?.data ?? []).map((d) => (
          <li key={d.id}>
            {formatTime(d.createdAt)} {d.eventType} <Badge value={d.status} />{' '}
            {d.lastStatusCode ?? d.lastError ?? ''}{' '}
            {props.canChange && (
              <button
                type="button"
                className="small"
                disabled={again.busy}
                onClick={() => void again.run(d.id)}
              >
                Redeliver
              </button>
            )}
          </li>
        ))}
        {deliveries.data?.data.length === 0 && <li className="muted">None yet.</li>}
      </ul>
      {props.canChange && (
        <button type="button" className="danger small" onClick={props.onDelete}>
          Delete endpoint
        </button>
      )}
    </article>
  );
}
