import { useState } from 'react';
import type { DirectoryGroupHit } from '../api/connections';
import { DirectoryGroupPicker, groupRefName, type GroupNames } from './directory-group-picker';
import { Select } from './ui';

/**
 * Two policy lists keyed by directory group: role rules ("members of this group get this role")
 * and, when the scope is "members of selected groups", the groups themselves.
 */
type GroupRef = { id: string } | { name: string };
export interface RoleRule {
  group: GroupRef;
  role: string;
}

const roles = [
  ['ReadOnly', 'ReadOnly (portal, look only)'],
  ['User', 'User (portal, look only)'],
  ['Admin', 'Admin (portal, may change)'],
  ['EnterpriseAdmin', 'EnterpriseAdmin'],
] as const;

export function RoleRules(props: {
  connectionId: string;
  rules: RoleRule[];
  names: GroupNames;
  readOnly: boolean;
  onChange: (next: RoleRule[], picked?: DirectoryGroupHit) => void;
}) {
  const [picked, setPicked] = useState<DirectoryGroupHit>();
  const [role, setRole] = useState('Admin');
  return (
    <div>
      <ul className="plain">
        {props.rules.map((rule, i) => (
          <li key={i}>
            Members of <strong>{groupRefName(rule.group, props.names)}</strong> get{' '}
            <strong>{rule.role}</strong>{' '}
            {!props.readOnly && (
              <button
                type="button"
                className="danger small"
                onClick={() => props.onChange(props.rules.filter((_, j) => j !== i))}
              >
                Delete
              </button>
            )}
          </li>
        ))}
        {props.rules.length === 0 && <li className="muted">No role rules.</li>}
      </ul>
      {!props.readOnly && (
        <>
          <DirectoryGroupPicker
            connectionId={props.connectionId}
            label="Group for a role rule"
            picked={picked}
            onPick={setPicked}
          />
          <Select label="Role" value={role} options={roles} onChange={setRole} />
          <button
            type="button"
            disabled={!picked}
            onClick={() => {
              if (!picked) return;
              props.onChange([...props.rules, { group: { id: picked.id }, role }], picked);
              setPicked(undefined);
            }}
          >
            Add role rule
          </button>
        </>
      )}
    </div>
  );
}

export function ScopeGroups(props: {
  connectionId: string;
  groups: GroupRef[];
  names: GroupNames;
  readOnly: boolean;
  onChange: (next: GroupRef[], picked?: DirectoryGroupHit) => void;
}) {
  const [picked, setPicked] = useState<DirectoryGroupHit>();
  return (
    <div>
      <ul className="plain">
        {props.groups.map((group, i) => (
          <li key={i}>
            {groupRefName(group, props.names)}{' '}
            {!props.readOnly && (
              <button
                type="button"
                className="danger small"
                onClick={() => props.onChange(props.groups.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
        {props.groups.length === 0 && <li className="muted">No groups selected: nobody is in scope.</li>}
      </ul>
      {!props.readOnly && (
        <>
          <DirectoryGroupPicker
            connectionId={props.connectionId}
            label="Add a group to the scope"
            picked={picked}
            onPick={setPicked}
          />
          <button
            type="button"
            disabled={!picked}
            onClick={() => {
              if (!picked) return;
              props.onChange([...props.groups, { id: picked.id }], picked);
              setPicked(undefined);
            }}
          >
            Add group
          </button>
        </>
      )}
    </div>
  );
}
