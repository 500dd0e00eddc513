import { useEffect, useState, type FormEvent } from 'react';
import { getSsoSettings, saveSsoSettings } from '../api/session';
import {
  CopyField,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  ReadOnlyNotice,
  Select,
  Toggle,
} from '../components/ui';
import { clouds } from './GraphConnectPage';
import { useAction, useAsync, useSession } from '../hooks';

/** Sign-in with Entra ID for this organization: the app registration and its redirect URIs. */
export function SsoSettingsPage() {
  const { session } = useSession();
  const loaded = useAsync(getSsoSettings, []);
  const [form, setForm] = useState({
    tenantId: '',
    clientId: '',
    clientSecret: '',
    cloud: 'global',
    loginUrl: '',
    enabled: true,
  });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const s = loaded.data?.settings;
    if (s)
      setForm({
        tenantId: s.tenantId,
        clientId: s.clientId,
        clientSecret: '',
        cloud: s.cloud,
        loginUrl: s.loginUrl,
        enabled: s.enabled,
      });
  }, [loaded.data]);
  const save = useAction(async () => {
    const body: Record<string, unknown> = {
      tenantId: form.tenantId,
      clientId: form.clientId,
      cloud: form.cloud,
      enabled: form.enabled,
    };
    if (form.clientSecret) body.clientSecret = form.clientSecret;
    if (form.loginUrl) body.loginUrl = form.loginUrl;
    await saveSsoSettings(body);
    setSaved(true);
    loaded.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  return (
    <section>
      <h1>Sign-in with Entra ID</h1>
      {!session.canChange && <ReadOnlyNotice role={session.role} />}
      <p className="muted">
        Users of {session.organization?.name} sign in to this portal with their Microsoft account. Those with
        the app role ReadOnly, User, Admin or EnterpriseAdmin get in; ReadOnly and User can look, Admin and
        EnterpriseAdmin can change.
      </p>
      <div className="card">
        <h2>Redirect URIs to register</h2>
        {loaded.data.redirectUris.web.map((uri) => (
          <CopyField key={uri} label="Web" value={uri} />
        ))}
        {loaded.data.redirectUris.publicClient.map((uri) => (
          <CopyField key={uri} label="Mobile and desktop applications" value={uri} />
        ))}
      </div>
      <form className="card form" onSubmit={submit}>
        <fieldset disabled={!session.canChange}>
          <Field
            label="Directory (tenant) ID"
            required
            value={form.tenantId}
            onChange={(e) => set('tenantId')(e.target.value)}
          />
          <Field
            label="Application (client) ID"
            required
            value={form.clientId}
            onChange={(e) => set('clientId')(e.target.value)}
          />
          <Field
            label="Client secret"
            type="password"
            value={form.clientSecret}
            required={!loaded.data.settings}
            autoComplete="new-password"
            hint={loaded.data.settings ? 'Leave empty to keep the stored secret' : 'Stored encrypted'}
            onChange={(e) => set('clientSecret')(e.target.value)}
          />
          <Select label="Cloud" value={form.cloud} options={clouds} onChange={set('cloud')} />
          <Field
            label="Login URL (optional override)"
            value={form.loginUrl}
            onChange={(e) => set('loginUrl')(e.target.value)}
          />
          <Toggle
            label="Allow sign-in with Microsoft"
            checked={form.enabled}
            onChange={(v) => setForm((f) => ({ ...f, enabled: v }))}
          />
          {session.canChange && (
            <button type="submit" className="primary" disabled={save.busy}>
              Save
            </button>
          )}
        </fieldset>
        {loaded.data.settings && <p className="muted small">Authority: {loaded.data.settings.authority}</p>}
        {saved && <Notice kind="success">Saved.</Notice>}
        <ErrorNotice error={save.error} />
      </form>
    </section>
  );
}
