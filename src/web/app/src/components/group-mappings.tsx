import { useState } from 'react';
import { searchDirectoryGroups, type DirectoryGroupHit } from '../api/connections';
import { Field, Toggle } from './ui';
import { useAsync, useDebounced } from '../hooks';

/** Directory group → platform group rows, as policy.groups.mappings stores them. */
export interface Mapping {
  directoryGroup: { id: string } | { name: string };
  platformGroup: { id: string } | { create: string };
  autoRemove?: boolean;
}

const dirNameOf = (m: Mapping, names: ReadonlyMap<string, string>) =>
  'id' in m.directoryGroup
    ? (names.get(m.directoryGroup.id) ?? `group ${m.directoryGroup.id.slice(0, 8)}…`)
    : m.directoryGroup.name;
const platName = (m: Mapping) => ('create' in m.platformGroup ? m.platformGroup.create : m.platformGroup.id);

export function GroupMappings(props: {
  connectionId: string;
  mappings: Mapping[];
  readOnly: boolean;
  onChange: (next: Mapping[]) => void;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<DirectoryGroupHit>();
  const [target, setTarget] = useState('');
  const [autoRemove, setAutoRemove] = useState(true);
  // The policy keeps directory groups by id (names change in Entra); names seen while picking are kept here to show.
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const query = useDebounced(search.trim(), 200);
  const hits = useAsync(
    async () =>
      query === '' || picked
        ? { data: [] as DirectoryGroupHit[], nextCursor: null }
        : searchDirectoryGroups(props.connectionId, query),
    [props.connectionId, query, picked],
  );
  const add = () => {
    if (!picked) return;
    const mapping = {
      directoryGroup: { id: picked.id },
      platformGroup: { create: target.trim() || picked.displayName },
      autoRemove,
    };
    setNames((known) => new Map(known).set(picked.id, picked.displayName));
    props.onChange([...props.mappings, mapping]);
    setPicked(undefined);
    setSearch('');
    setTarget('');
  };
  return (
    <div className="mappings">
      <ul className="plain">
        {props.mappings.map((m, i) => (
          <li key={i} className="mapping">
            <strong>{dirNameOf(m, names)}</strong> → {platName(m)}{' '}
            {m.autoRemove === false ? '' : <span className="muted small">(auto-remove)</span>}{' '}
            {!props.readOnly && (
              <button
                type="button"
                className="danger small"
                aria-label={`Delete mapping of ${dirNameOf(m, names)}`}
                onClick={() => props.onChange(props.mappings.filter((_, j) => j !== i))}
              >
                Delete
              </button>
            )}
          </li>
        ))}
        {props.mappings.length === 0 && (
          <li className="muted">No mappings: every directory group is handled by the options below.</li>
        )}
      </ul>
      {!props.readOnly && (
        <div className="add-mapping">
          {picked ? (
            <p>
              Directory group: <strong>{picked.displayName}</strong>{' '}
              <button type="button" className="link-button" onClick={() => setPicked(undefined)}>
                change
              </button>
            </p>
          ) : (
            <>
              <Field
                label="Find a directory group"
                type="search"
                value={search}
                placeholder="Start typing a group name"
                onChange={(e) => setSearch(e.target.value)}
                autoComplete="off"
              />
              <ul className="picker" role="listbox" aria-label="Matching directory groups">
                {(hits.data?.data ?? []).map((g) => (
                  <li key={g.id} role="option" aria-selected={false}>
                    <button type="button" className="link-button" onClick={() => setPicked(g)}>
                      {g.displayName}
                    </button>
                    {g.description && <span className="muted small"> {g.description}</span>}
                  </li>
                ))}
              </ul>
              {hits.error && <p className="muted">{hits.error.message}</p>}
            </>
          )}
          <Field
            label="Platform group"
            value={target}
            placeholder={picked?.displayName ?? 'Same name as the directory group'}
            onChange={(e) => setTarget(e.target.value)}
          />
          <Toggle
            label="Auto-remove users who leave the directory group"
            checked={autoRemove}
            onChange={setAutoRemove}
          />
          <button type="button" disabled={!picked} onClick={add}>
            Add mapping
          </button>
        </div>
      )}
    </div>
  );
}
