import { useEffect, useState } from 'react';
import { getPolicy, setPolicy, type Connection } from '../api/connections';
import type { DirectoryGroupHit } from '../api/connections';
import type { GroupNames } from './directory-group-picker';
import { GroupMappings, type Mapping } from './group-mappings';
import { RoleRules, ScopeGroups, type RoleRule } from './group-rules';
import { ErrorNotice, Field, Notice, Select, Toggle } from './ui';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * The connection's policy as switches: every option of src/domain/policy/policy.ts, grouped as
 * admins think of them. Changes are kept in the page until "Save"; ReadOnly sees them disabled.
 */
type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});

export function PolicyPanel(props: { connection: Connection }) {
  const { session } = useSession();
  const loaded = useAsync(() => getPolicy(props.connection.id), [props.connection.id]);
  const [policy, setLocal] = useState<Json>();
  const [saved, setSaved] = useState(false);
  const [names, setNames] = useState<GroupNames>(new Map());
  useEffect(() => {
    // The effective policy has every default filled in, so every switch shows what really applies.
    if (loaded.data) setLocal(obj(loaded.data.effective));
  }, [loaded.data]);
  const save = useAction(async (next: Json) => {
    await setPolicy(props.connection.id, next);
    setSaved(true);
  });
  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  if (!policy) return null;
  const ro = !session.canChange;
  const section = (key: string) => obj(policy[key]);
  const update = (key: string, field: string, value: unknown) => {
    setSaved(false);
    setLocal((p) => ({ ...p, [key]: { ...obj(p?.[key]), [field]: value } }));
  };
  const scope = section('scope');
  const groups = section('groups');
  const roles = section('roles');
  const lifecycle = section('lifecycle');
  const newUsers = section('newUsers');
  const list = <T,>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  // List edits (mappings, rules, scope groups) save at once: they are deliberate, one at a time.
  const saveList = (key: string, field: string, next: unknown[], picked?: DirectoryGroupHit) => {
    if (picked) setNames((known) => new Map(known).set(picked.id, picked.displayName));
    const nextPolicy = { ...policy, [key]: { ...section(key), [field]: next } };
    setLocal(nextPolicy);
    void save.run(nextPolicy);
  };
  return (
    <div className="card policy">
      <h2>Group mappings</h2>
      <GroupMappings
        connectionId={props.connection.id}
        mappings={list<Mapping>(groups.mappings)}
        names={names}
        readOnly={ro}
        onChange={(next, picked) => saveList('groups', 'mappings', next, picked)}
      />
      <h2>Options</h2>
      <fieldset disabled={ro}>
        <legend>Who gets in</legend>
        <Select
          label="Users to sync"
          value={typeof scope.users === 'string' ? scope.users : 'all'}
          onChange={(v) => update('scope', 'users', v)}
          options={[
            ['all', 'Everyone in the directory'],
            ['groups', 'Members of selected groups'],
            ['mappedGroups', 'Only members of mapped groups'],
          ]}
        />
        {scope.users === 'groups' && (
          <ScopeGroups
            connectionId={props.connection.id}
            groups={list(scope.groups)}
            names={names}
            readOnly={ro}
            onChange={(next, picked) => saveList('scope', 'groups', next, picked)}
          />
        )}
        <Toggle
          label="Include members of nested groups"
          checked={scope.nested === true}
          onChange={(v) => update('scope', 'nested', v)}
        />
        <Toggle
          label="Mirror unmapped groups"
          hint="Directory groups without a mapping become platform groups"
          checked={(groups.unmapped ?? 'mirror') === 'mirror'}
          onChange={(v) => update('groups', 'unmapped', v ? 'mirror' : 'ignore')}
        />
        <Toggle
          label="Take roles from Entra app roles"
          checked={roles.fromSource !== false}
          onChange={(v) => update('roles', 'fromSource', v)}
        />
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Roles from groups</legend>
        <RoleRules
          connectionId={props.connection.id}
          rules={list<RoleRule>(roles.rules)}
          names={names}
          readOnly={ro}
          onChange={(next, picked) => saveList('roles', 'rules', next, picked)}
        />
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Lifecycle</legend>
        <Toggle
          label="Auto-remove users from groups they leave"
          checked={lifecycle.autoRemoveFromGroups !== false}
          onChange={(v) => update('lifecycle', 'autoRemoveFromGroups', v)}
        />
        <Toggle
          label="Delete users removed from the directory (otherwise deactivate)"
          checked={lifecycle.onDelete === 'delete'}
          onChange={(v) => update('lifecycle', 'onDelete', v ? 'delete' : 'deactivate')}
        />
        <Toggle
          label="Delete users who leave the scope (otherwise deactivate)"
          checked={lifecycle.outOfScope === 'delete'}
          onChange={(v) => update('lifecycle', 'outOfScope', v ? 'delete' : 'deactivate')}
        />
        <Field
          label="Grace period before deleting (days)"
          type="number"
          min={0}
          value={typeof lifecycle.deleteAfterDays === 'number' ? String(lifecycle.deleteAfterDays) : '30'}
          onChange={(e) => update('lifecycle', 'deleteAfterDays', Number(e.target.value))}
        />
      </fieldset>
      <fieldset disabled={ro}>
        <legend>New users</legend>
        <Toggle
          label="Send an enrollment email"
          checked={newUsers.enrollmentEmail === true}
          onChange={(v) => update('newUsers', 'enrollmentEmail', v)}
        />
        {(['mobile_credential', 'cloud_key'] as const).map((type) => {
          const list = Array.isArray(newUsers.credentials) ? (newUsers.credentials as string[]) : [];
          return (
            <Toggle
              key={type}
              label={`Issue a ${type.replace('_', ' ')}`}
              checked={list.includes(type)}
              onChange={(v) =>
                update('newUsers', 'credentials', v ? [...list, type] : list.filter((t) => t !== type))
              }
            />
          );
        })}
      </fieldset>
      {!ro && (
        <button type="button" className="primary" disabled={save.busy} onClick={() => void save.run(policy)}>
          Save options
        </button>
      )}
      {saved && <Notice kind="success">Saved. The next sync applies it.</Notice>}
      <ErrorNotice error={save.error} />
    </div>
  );
}
