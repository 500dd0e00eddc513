/**
 * Cursor paging: "Next" follows the server's cursor, "Previous" pops the cursors we came through.
 * Offsets would get slower with every page at 100,000 users; a cursor costs the same on any page.
 */
export interface CursorStack {
  cursors: (string | undefined)[];
}

export function Pager(props: {
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  label: string;
}) {
  const next = props.nextCursor;
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        ← Previous
      </button>
      <button type="button" disabled={!next} onClick={() => next && props.onNext(next)}>
        Next →
      </button>
    </nav>
  );
}
