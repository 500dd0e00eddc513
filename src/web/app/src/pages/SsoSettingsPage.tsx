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

/** Entra's Application (client) ID, as the server checks it (src/sso/sso-settings.ts). */
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const clientIdError =
  "The Application (client) ID is a GUID (like 8a1d2c33-4b5e-4f60-8a71-9c8d7e6f5a02): copy it from the app registration's Overview in Entra.";

/**
 * Sign-in with Entra ID for this organization: the app registration and its redirect URIs. The
 * login URL box holds only an override the admin gave: the cloud's own host is never sent back as
 * one, so choosing another cloud changes the host.
 */
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
  const [clientIdInvalid, setClientIdInvalid] = useState(false);
  useEffect(() => {
    const s = loaded.data?.settings;
    if (s)
      setForm({
        tenantId: s.tenantId,
        clientId: s.clientId,
        clientSecret: '',
        cloud: s.cloud,
        loginUrl: s.loginUrlOverride ?? '',
        enabled: s.enabled,
      });
  }, [loaded.data]);
  const save = useAction(async () => {
    const body: Record<string, unknown> = {
      tenantId: form.tenantId.trim(),
      clientId: form.clientId.trim(),
      cloud: form.cloud,
      enabled: form.enabled,
    };
    if (form.clientSecret) body.clientSecret = form.clientSecret;
    if (form.loginUrl.trim()) body.loginUrl = form.loginUrl.trim();
    await saveSsoSettings(body);
    setSaved(true);
    loaded.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // "Saved." speaks of this attempt only: a failed save after a good one must not keep it.
    setSaved(false);
    const invalid = !guid.test(form.clientId.trim());
    setClientIdInvalid(invalid);
    if (invalid) {
      save.reset();
      return;
    }
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
            error={clientIdInvalid ? clientIdError : undefined}
            onChange={(e) => {
              setClientIdInvalid(false);
              set('clientId')(e.target.value);
            }}
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
            hint="Leave empty to use the cloud's login host; only for a local emulator or private endpoint"
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
