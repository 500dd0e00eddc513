import { listAudit } from '../api/activity';
import { ErrorNotice, Loading, formatTime, Pager } from '../components/ui';
import { useAsync, useCursorPages } from '../hooks';

/** Who or what did what, newest first, with before and after on request. */
export function AuditPage() {
  const pages = useCursorPages();
  const audit = useAsync(() => listAudit({ cursor: pages.cursor, limit: 50 }), [pages.cursor]);
  return (
    <section>
      <h1>Audit log</h1>
      <ErrorNotice error={audit.error} />
      {!audit.data && !audit.error && <Loading />}
      {audit.data && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.data.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">{formatTime(entry.occurredAt)}</td>
                  <td data-label="Who">
                    {entry.actor.type}
                    {entry.actor.id && <span className="muted small"> {entry.actor.id}</span>}
                  </td>
                  <td data-label="Action">{entry.action}</td>
                  <td data-label="Target">
                    {entry.targetType ? `${entry.targetType} ${entry.targetId ?? ''}` : '—'}
                  </td>
                  <td data-label="Change">
                    {entry.before !== undefined || entry.after !== undefined ? (
                      <details>
                        <summary>details</summary>
                        <pre className="json">
                          {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
                        </pre>
                      </details>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Audit"
        hasPrevious={pages.hasPrevious}
        nextCursor={audit.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </section>
  );
}
