import { listAudit } from '../api/activity';
import { PagedTable } from '../components/paged-table';
import { formatTime } from '../components/ui';
import { useAsync, useCursorPages } from '../hooks';

/** Who or what did what, newest first, with before and after on request. */
export function AuditPage() {
  const pages = useCursorPages();
  const audit = useAsync(() => listAudit({ cursor: pages.cursor, limit: 50 }), [pages.cursor]);
  return (
    <section>
      <h1>Audit log</h1>
      <PagedTable
        caption="Audit entries"
        result={audit}
        pages={pages}
        columns={[
          { label: 'When' },
          { label: 'Who' },
          { label: 'Action' },
          { label: 'Target' },
          { label: 'Change' },
        ]}
        rowKey={(entry) => entry.id}
        cells={(entry) => [
          formatTime(entry.occurredAt),
          <>
            {entry.actor.type}
            {entry.actor.id && <span className="muted small"> {entry.actor.id}</span>}
          </>,
          entry.action,
          entry.targetType ? `${entry.targetType} ${entry.targetId ?? ''}` : '—',
          entry.before !== undefined || entry.after !== undefined ? (
            <details>
              <summary>details</summary>
              <pre className="json">
                {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
              </pre>
            </details>
          ) : (
            '—'
          ),
        ]}
      />
    </section>
  );
}
