import { useState } from 'react';
import { searchDirectoryGroups, type DirectoryGroupHit } from '../api/connections';
import { useAsync, useDebounced } from '../hooks';
import { Field } from './ui';

/**
 * Finds a directory group by name as the admin types (from the first character, as Graph's
 * `$search` does) and picks one. Used by group mappings, role rules and the scope's groups.
 */
export function DirectoryGroupPicker(props: {
  connectionId: string;
  label: string;
  picked: DirectoryGroupHit | undefined;
  onPick: (group: DirectoryGroupHit | undefined) => void;
}) {
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 200);
  const hits = useAsync(
    async () =>
      query === '' || props.picked
        ? { data: [] as DirectoryGroupHit[], nextCursor: null }
        : searchDirectoryGroups(props.connectionId, query),
    [props.connectionId, query, props.picked],
  );
  if (props.picked) {
    return (
      <p>
        {props.label}: <strong>{props.picked.displayName}</strong>{' '}
        <button type="button" className="link-button" onClick={() => props.onPick(undefined)}>
          change
        </button>
      </p>
    );
  }
  return (
    <>
      <Field
        label={props.label}
        type="search"
        value={search}
        placeholder="Start typing a group name"
        onChange={(e) => setSearch(e.target.value)}
        autoComplete="off"
      />
      <ul className="picker" aria-label={`Directory groups matching "${query}"`} aria-live="polite">
        {/* Nothing typed, nothing listed: the debounced query and the last answer lag behind a cleared box. */}
        {(search.trim() === '' ? [] : (hits.data?.data ?? [])).map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                props.onPick(g);
                setSearch('');
              }}
            >
              {g.displayName}
            </button>
            {g.description && <span className="muted small"> {g.description}</span>}
          </li>
        ))}
      </ul>
      {hits.error && <p className="muted">{hits.error.message}</p>}
    </>
  );
}

/** Names of directory groups picked in this page, by id: the policy stores ids, which outlive renames. */
export type GroupNames = ReadonlyMap<string, string>;

export function groupRefName(ref: { id: string } | { name: string }, names: GroupNames): string {
  return 'id' in ref ? (names.get(ref.id) ?? `group ${ref.id.slice(0, 8)}…`) : ref.name;
}
