import { useEffect, useState, type FormEvent } from 'react';
import {
  changeGraphConnection,
  testGraphConnection,
  type Connection,
  type GraphTest,
} from '../api/connections';
import { useLocation } from '../router';
import { ErrorNotice, Field, Notice, Select, formatDate } from './ui';
import { useAction, useSession } from '../hooks';

/**
 * A Graph connection's settings and "Test connection" with the permission report and remedies.
 * The test, the schedule and the secret are changes (the API refuses them to read-only roles), so
 * only those who may change see them.
 */
export function GraphConnectionPanel(props: { connection: Connection; onChange?: () => void }) {
  const c = props.connection;
  const { session } = useSession();
  const { query } = useLocation();
  const [report, setReport] = useState<GraphTest>();
  const test = useAction(async () => setReport(await testGraphConnection(c.id)));
  const testNow = query.get('test') === '1' && session.canChange;
  useEffect(() => {
    // Right after "Save and test" the page runs the test itself.
    if (testNow) void test.run();
    // Only on arrival, not on every render.
  }, [testNow]);
  const s = c.settings ?? {};
  return (
    <div className="card">
      <h2>Connection</h2>
      <dl className="facts">
        <div>
          <dt>Tenant ID</dt>
          <dd className="mono">{text(s.tenantId)}</dd>
        </div>
        <div>
          <dt>Client ID</dt>
          <dd className="mono">{text(s.clientId)}</dd>
        </div>
        <div>
          <dt>Cloud</dt>
          <dd>{text(s.cloud, 'global')}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>{scheduleOf(s.intervalMinutes)}</dd>
        </div>
        <div>
          <dt>Secret expires</dt>
          <dd>{formatDate(c.secretExpiresAt)}</dd>
        </div>
      </dl>
      {session.canChange && (
        <>
          <button type="button" onClick={() => void test.run()} disabled={test.busy}>
            {test.busy ? 'Testing…' : 'Test connection'}
          </button>
          <ErrorNotice error={test.error} />
          {report && <TestReport report={report} />}
          <ScheduleForm connection={c} onChange={props.onChange} />
          <SecretForm
            connection={c}
            onChange={props.onChange}
            onReplaced={() => {
              // The last test spoke of the old secret; its failure and advice no longer hold.
              setReport(undefined);
              test.reset();
            }}
          />
        </>
      )}
    </div>
  );
}

const intervals = [
  ['15m', 'Every 15 minutes'],
  ['1h', 'Every hour'],
  ['4h', 'Every 4 hours'],
  ['24h', 'Once a day'],
  ['off', 'Only when you press Sync now'],
] as const;

/** How often the connection syncs by itself; a custom interval set elsewhere stays listed. */
function ScheduleForm(props: { connection: Connection; onChange?: (() => void) | undefined }) {
  const minutes = props.connection.settings?.intervalMinutes;
  const current =
    typeof minutes === 'number' ? (minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`) : 'off';
  const [interval, setChosen] = useState(current);
  const save = useAction(async () => {
    await changeGraphConnection(props.connection.id, { interval });
    props.onChange?.();
  });
  const options = intervals.some(([value]) => value === current)
    ? intervals
    : [...intervals, [current, `${scheduleOf(minutes)} (custom)`] as const];
  return (
    <form
      className="inline-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <Select label="Sync schedule" value={interval} options={options} onChange={setChosen} />
      <button type="submit" disabled={save.busy || interval === current}>
        {save.busy ? 'Saving…' : 'Save schedule'}
      </button>
      <ErrorNotice error={save.error} />
    </form>
  );
}

/** Replaces the client secret before it expires; the value is sent once and never shown again. */
function SecretForm(props: {
  connection: Connection;
  onChange?: (() => void) | undefined;
  onReplaced: () => void;
}) {
  const [clientSecret, setClientSecret] = useState('');
  const [expires, setExpires] = useState('');
  const [done, setDone] = useState(false);
  const save = useAction(async () => {
    await changeGraphConnection(props.connection.id, {
      clientSecret,
      ...(expires === '' ? {} : { secretExpiresAt: expires }),
    });
    setClientSecret('');
    setDone(true);
    props.onReplaced();
    props.onChange?.();
  });
  return (
    <details className="secret-form">
      <summary>Replace the client secret</summary>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setDone(false);
          void save.run();
        }}
      >
        <Field
          label="New client secret"
          type="password"
          autoComplete="off"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.target.value)}
        />
        <Field
          label="Secret expires"
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
        <button type="submit" disabled={save.busy || clientSecret === ''}>
          {save.busy ? 'Saving…' : 'Replace secret'}
        </button>
        <ErrorNotice error={save.error} />
        {done && <Notice kind="success">Secret replaced. Test the connection to check it.</Notice>}
      </form>
    </details>
  );
}

const text = (value: unknown, fallback = '—') =>
  typeof value === 'string' && value !== '' ? value : fallback;

/** Graph connections store their interval in minutes; null means only on demand. */
function scheduleOf(minutes: unknown): string {
  if (typeof minutes !== 'number') return 'Only when you press Sync now';
  return minutes % 60 === 0
    ? `Every ${minutes / 60 === 1 ? 'hour' : `${minutes / 60} hours`}`
    : `Every ${minutes} minutes`;
}

function TestReport(props: { report: GraphTest }) {
  const r = props.report;
  return (
    <div className="test-report" aria-live="polite">
      {r.ok ? (
        <Notice kind="success">Connection works: Roster can read users and groups.</Notice>
      ) : (
        <Notice kind="error">{r.error?.message ?? 'The connection does not work yet.'}</Notice>
      )}
      <p>
        Token: <strong>{r.token}</strong> · users: <strong>{r.checks.users}</strong> · groups:{' '}
        <strong>{r.checks.groups}</strong>
      </p>
      <p>Consented permissions: {r.roles.length > 0 ? r.roles.join(', ') : 'none'}</p>
      {r.missing.length > 0 && (
        <ul>
          {r.missing.map((m) => (
            <li key={m.neededFor}>
              Missing for {m.neededFor}: one of {m.anyOf.join(', ')}
            </li>
          ))}
        </ul>
      )}
      {r.remedies.length > 0 && (
        <>
          <h3>What to do</h3>
          <ul className="remedies">
            {r.remedies.map((remedy) => (
              <li key={remedy}>{remedy}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
