import { useState, type FormEvent } from 'react';
import { createGraphConnection } from '../api/connections';
import { ErrorNotice, Field, ReadOnlyNotice, Select } from '../components/ui';
import { Link, navigate } from '../router';
import { useAction, useSession } from '../hooks';

export const clouds = [
  ['global', 'Global (login.microsoftonline.com)'],
  ['usgov', 'US Government (GCC High)'],
  ['dod', 'US Government (DoD)'],
  ['china', 'China (21Vianet)'],
] as const;

export const intervals = [
  ['15m', 'Every 15 minutes'],
  ['1h', 'Every hour'],
  ['off', 'Only when I press Sync now'],
] as const;

/**
 * Connect Graph: the app registration's tenant id, client id and secret (with its expiry), the
 * cloud, and the schedule. After saving, the connection page tests it and picks groups.
 */
export function GraphConnectPage() {
  const { session } = useSession();
  const [form, setForm] = useState({
    tenantId: '',
    clientId: '',
    clientSecret: '',
    secretExpiresAt: '',
    cloud: 'global',
    interval: '1h',
    loginUrl: '',
    graphUrl: '',
  });
  const [advanced, setAdvanced] = useState(false);
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const save = useAction(async () => {
    const body: Record<string, unknown> = {
      tenantId: form.tenantId.trim(),
      clientId: form.clientId.trim(),
      clientSecret: form.clientSecret,
      cloud: form.cloud,
      interval: form.interval,
    };
    if (form.secretExpiresAt) body.secretExpiresAt = form.secretExpiresAt;
    if (form.loginUrl) body.loginUrl = form.loginUrl.trim();
    if (form.graphUrl) body.graphUrl = form.graphUrl.trim();
    const created = await createGraphConnection(body);
    navigate(`/connections/${created.connectionId}?test=1`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <section>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <h1>Connect Microsoft Graph</h1>
      {!session.canChange && <ReadOnlyNotice role={session.role} />}
      <p className="muted">
        Register an application in Entra ID, add the application permissions User.Read.All and Group.Read.All
        (or Directory.Read.All), and Application.Read.All for users&rsquo; roles to come from the app roles
        they are assigned; grant admin consent, and create a client secret.
      </p>
      {session.canChange && (
        <form className="card form" onSubmit={submit}>
          <Field
            label="Directory (tenant) ID"
            required
            value={form.tenantId}
            onChange={(e) => set('tenantId')(e.target.value)}
            autoComplete="off"
          />
          <Field
            label="Application (client) ID"
            required
            value={form.clientId}
            onChange={(e) => set('clientId')(e.target.value)}
            autoComplete="off"
          />
          <Field
            label="Client secret"
            required
            type="password"
            value={form.clientSecret}
            onChange={(e) => set('clientSecret')(e.target.value)}
            autoComplete="new-password"
            hint="Stored encrypted; never shown again"
          />
          <Field
            label="Secret expires"
            type="date"
            value={form.secretExpiresAt}
            onChange={(e) => set('secretExpiresAt')(e.target.value)}
            hint="Roster warns you before it expires"
          />
          <Select label="Cloud" value={form.cloud} options={clouds} onChange={set('cloud')} />
          <Select
            label="Sync schedule"
            value={form.interval}
            options={intervals}
            onChange={set('interval')}
          />
          <button
            type="button"
            className="link-button"
            aria-expanded={advanced}
            onClick={() => setAdvanced((a) => !a)}
          >
            {advanced ? 'Hide' : 'Show'} custom hosts
          </button>
          {advanced && (
            <>
              <Field
                label="Login URL"
                value={form.loginUrl}
                placeholder="https://login.microsoftonline.com"
                onChange={(e) => set('loginUrl')(e.target.value)}
              />
              <Field
                label="Graph URL"
                value={form.graphUrl}
                placeholder="https://graph.microsoft.com"
                onChange={(e) => set('graphUrl')(e.target.value)}
              />
            </>
          )}
          <ErrorNotice error={save.error} />
          <button type="submit" className="primary" disabled={save.busy}>
            Save and test
          </button>
        </form>
      )}
    </section>
  );
}
