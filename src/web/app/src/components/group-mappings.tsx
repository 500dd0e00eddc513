import { useState } from 'react';
import type { DirectoryGroupHit } from '../api/connections';
import { DirectoryGroupPicker, groupRefName, type GroupNames } from './directory-group-picker';
import { Field, Toggle } from './ui';

/** Directory group → platform group rows, as policy.groups.mappings stores them. */
export interface Mapping {
  directoryGroup: { id: string } | { name: string };
  platformGroup: { id: string } | { create: string };
  autoRemove?: boolean;
}

const platName = (m: Mapping) => ('create' in m.platformGroup ? m.platformGroup.create : m.platformGroup.id);

export function GroupMappings(props: {
  connectionId: string;
  mappings: Mapping[];
  names: GroupNames;
  readOnly: boolean;
  onChange: (next: Mapping[], picked?: DirectoryGroupHit) => void;
}) {
  const [picked, setPicked] = useState<DirectoryGroupHit>();
  const [target, setTarget] = useState('');
  const [autoRemove, setAutoRemove] = useState(true);
  const add = () => {
    if (!picked) return;
    const mapping = {
      directoryGroup: { id: picked.id },
      platformGroup: { create: target.trim() || picked.displayName },
      autoRemove,
    };
    props.onChange([...props.mappings, mapping], picked);
    setPicked(undefined);
    setTarget('');
  };
  return (
    <div className="mappings">
      <ul className="plain">
        {props.mappings.map((m, i) => (
          <li key={i} className="mapping">
            <strong>{groupRefName(m.directoryGroup, props.names)}</strong> → {platName(m)}{' '}
            {m.autoRemove === false ? '' : <span className="muted small">(auto-remove)</span>}{' '}
            {!props.readOnly && (
              <button
                type="button"
                className="danger small"
                aria-label={`Delete mapping of ${groupRefName(m.directoryGroup, props.names)}`}
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
          <DirectoryGroupPicker
            connectionId={props.connectionId}
            label="Find a directory group"
            picked={picked}
            onPick={setPicked}
          />
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
