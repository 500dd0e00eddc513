import { useEffect } from 'react';
import { testGraphConnection, type Connection, type GraphTest } from '../api/connections';
import { useLocation } from '../router';
import { useState } from 'react';
import { ErrorNotice, Notice, formatTime } from './ui';
import { useAction } from '../hooks';

/** A Graph connection's settings and "Test connection" with the permission report and remedies. */
export function GraphConnectionPanel(props: { connection: Connection }) {
  const c = props.connection;
  const { query } = useLocation();
  const [report, setReport] = useState<GraphTest>();
  const test = useAction(async () => setReport(await testGraphConnection(c.id)));
  const testNow = query.get('test') === '1';
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
          <dd>{formatTime(c.secretExpiresAt)}</dd>
        </div>
      </dl>
      <button type="button" onClick={() => void test.run()} disabled={test.busy}>
        {test.busy ? 'Testing…' : 'Test connection'}
      </button>
      <ErrorNotice error={test.error} />
      {report && <TestReport report={report} />}
    </div>
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
