import type { ReactNode } from 'react';
import type { AsyncState, CursorPages } from '../hooks';
import { ErrorNotice, Loading, Pager } from './ui';

export interface Column {
  label: string;
  numeric?: boolean;
  /** Extra class of the column's cells. */
  cellClass?: string;
}

/**
 * A list page's table: loading and error states, one row per item (each cell labelled for the
 * narrow layout), an empty message, and cursor paging below. Users, groups and the audit log share it.
 */
export function PagedTable<T>(props: {
  caption: string;
  result: AsyncState<{ data: T[]; nextCursor?: string | null | undefined }>;
  pages: CursorPages;
  columns: readonly Column[];
  rowKey: (item: T) => string;
  /** Attributes on the row (data-*) that name the item for tests and styles. */
  rowData?: (item: T) => Record<`data-${string}`, string>;
  cells: (item: T) => ReactNode[];
  empty?: string;
}) {
  const { result, pages, columns } = props;
  return (
    <>
      <ErrorNotice error={result.error} onRetry={result.reload} />
      {result.loading && !result.data && <Loading />}
      {result.data && (
        <div className="table-wrap">
          <table aria-busy={result.loading}>
            <caption className="visually-hidden">{props.caption}</caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.label} scope="col" className={column.numeric ? 'num' : undefined}>
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.data.data.map((item) => (
                <tr key={props.rowKey(item)} {...props.rowData?.(item)}>
                  {props.cells(item).map((cell, index) => (
                    <td
                      key={columns[index]?.label ?? index}
                      data-label={columns[index]?.label}
                      className={cellClass(columns[index])}
                    >
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
              {props.empty !== undefined && result.data.data.length === 0 && (
                <tr>
                  <td colSpan={columns.length} className="muted">
                    {props.empty}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={props.caption}
        hasPrevious={pages.hasPrevious}
        nextCursor={result.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </>
  );
}

function cellClass(column: Column | undefined): string | undefined {
  const classes = [column?.numeric ? 'num' : '', column?.cellClass ?? ''].filter(Boolean);
  return classes.length > 0 ? classes.join(' ') : undefined;
}
