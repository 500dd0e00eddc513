import { useEffect, useRef, useState } from 'react';
import { getPolicy, setPolicy, type Connection, type DirectoryGroupHit } from '../api/connections';
import { ApplyPolicy, savedText } from './apply-policy';
import { directoryGroupIds, resolveDirectoryGroupNames } from './directory-group-names';
import type { GroupNames } from './directory-group-picker';
import { GroupMappings, type Mapping } from './group-mappings';
import { RoleRules, ScopeGroups, type RoleRule } from './group-rules';
import { ErrorNotice, Field, Notice, Select, Toggle } from './ui';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * The connection's policy as switches: every option of src/domain/policy/policy.ts, grouped as
 * admins think of them. Option changes are kept in the page until "Save options"; list edits
 * (mappings, role rules, scope groups) save at once, and only themselves: each is applied to the
 * policy as stored, so an option changed but not saved stays unsaved. ReadOnly sees it all disabled.
 */
type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const list = <T,>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const withField = (policy: Json, key: string, field: string, value: unknown): Json => ({
  ...policy,
  [key]: { ...obj(policy[key]), [field]: value },
});

/** JSON with sorted keys: the server's key order is not ours, and "unsaved" must not depend on it. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The policy's bounds for lifecycle.deleteAfterDays (src/domain/policy/policy-schema.ts). */
const maxGraceDays = 3650;

/** The grace period as typed, or why it cannot be saved: never an empty box read as 0 (delete at once). */
function parseGraceDays(text: string): { days: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'Enter the grace period in days (0 deletes at once).' };
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > maxGraceDays)
    return { error: `The grace period must be a whole number of days, from 0 to ${maxGraceDays}.` };
  return { days: Number(trimmed) };
}

const graceText = (policy: Json): string => {
  const days = obj(policy.lifecycle).deleteAfterDays;
  return typeof days === 'number' ? String(days) : '30';
};

/**
 * `syncsEnded` changes when a sync of the connection ends: the sync may have applied a pending
 * policy, so whether it is still pending is read again (the form itself is left as it is).
 */
export function PolicyPanel(props: { connection: Connection; syncsEnded?: number }) {
  const { session } = useSession();
  const loaded = useAsync(() => getPolicy(props.connection.id), [props.connection.id]);
  const [pending, setPending] = useState(false);
  const [pendingChecks, setPendingChecks] = useState(0);
  // An object per answer, so two answers alike ("not pending" twice) are both taken.
  const pendingNow = useAsync(
    async () =>
      props.syncsEnded || pendingChecks
        ? { pending: (await getPolicy(props.connection.id)).pending }
        : undefined,
    [props.connection.id, props.syncsEnded, pendingChecks],
  );
  useEffect(() => {
    if (pendingNow.data) setPending(pendingNow.data.pending);
  }, [pendingNow.data]);
  // `stored` is the policy as the server has it (the effective one, every default filled in, so
  // every switch shows what really applies); `draft` is what the form shows.
  const [stored, setStored] = useState<Json>();
  const storedRef = useRef<Json | undefined>(undefined);
  const [draft, setDraft] = useState<Json>();
  const [grace, setGrace] = useState('');
  const [graceError, setGraceError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [picked, setPicked] = useState<GroupNames>(new Map());
  const keep = (policy: Json) => {
    storedRef.current = policy;
    setStored(policy);
  };
  useEffect(() => {
    if (!loaded.data) return;
    const effective = obj(loaded.data.effective);
    keep(effective);
    setPending(loaded.data.pending);
    setDraft(effective);
    setGrace(graceText(effective));
  }, [loaded.data]);
  const groupIds = directoryGroupIds(stored).filter((id) => !picked.has(id));
  const resolved = useAsync(
    async () =>
      storedRef.current && groupIds.length > 0
        ? resolveDirectoryGroupNames(props.connection, storedRef.current, groupIds)
        : new Map<string, string>(),
    [props.connection.id, groupIds.join(',')],
  );
  const names: GroupNames = new Map([...(resolved.data ?? []), ...picked]);

  const saveOptions = useAction(async (next: Json) => {
    const answer = await setPolicy(props.connection.id, next);
    keep(obj(answer.effective));
    setPending(answer.pending);
    setSaved(true);
  });
  const saveListEdit = useAction(async (key: string, field: string, next: unknown[]) => {
    const base = storedRef.current;
    if (!base) return;
    const before = obj(base[key])[field];
    // Optimistic, so a second edit made before the first is answered builds on it.
    storedRef.current = withField(base, key, field, next);
    try {
      const answer = await setPolicy(props.connection.id, storedRef.current);
      keep(obj(answer.effective));
      setPending(answer.pending);
      setSaved(true);
    } catch (failure) {
      storedRef.current = base;
      setDraft((d) => d && withField(d, key, field, before));
      throw failure;
    }
  });

  if (loaded.error) return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  if (!draft || !stored) return null;
  const ro = !session.canChange;
  const section = (key: string) => obj(draft[key]);
  const update = (key: string, field: string, value: unknown) => {
    setSaved(false);
    setDraft((d) => withField(d ?? {}, key, field, value));
  };
  const scope = section('scope');
  const groups = section('groups');
  const roles = section('roles');
  const lifecycle = section('lifecycle');
  const newUsers = section('newUsers');
  // List edits save at once: they are deliberate, one at a time. The draft shows the new list too,
  // and keeps its other unsaved edits.
  const saveList = (key: string, field: string, next: unknown[], hit?: DirectoryGroupHit) => {
    if (hit) setPicked((known) => new Map(known).set(hit.id, hit.displayName));
    setSaved(false);
    setDraft((d) => withField(d ?? {}, key, field, next));
    void saveListEdit.run(key, field, next);
  };
  const saveAll = () => {
    const parsed = parseGraceDays(grace);
    if ('error' in parsed) {
      setSaved(false);
      setGraceError(parsed.error);
      return;
    }
    setGraceError(undefined);
    const next = withField(draft, 'lifecycle', 'deleteAfterDays', parsed.days);
    setDraft(next);
    void saveOptions.run(next);
  };
  const unsaved =
    canonical({ ...draft, lifecycle: { ...lifecycle, deleteAfterDays: null } }) !==
      canonical({ ...stored, lifecycle: { ...obj(stored.lifecycle), deleteAfterDays: null } }) ||
    grace.trim() !== graceText(stored);
  return (
    <div className="card policy">
      <h2>Group mappings</h2>
      <GroupMappings
        connectionId={props.connection.id}
        mappings={list<Mapping>(groups.mappings)}
        names={names}
        readOnly={ro}
        onChange={(next, hit) => saveList('groups', 'mappings', next, hit)}
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
            onChange={(next, hit) => saveList('scope', 'groups', next, hit)}
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
          onChange={(next, hit) => saveList('roles', 'rules', next, hit)}
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
          inputMode="numeric"
          autoComplete="off"
          value={grace}
          error={graceError}
          onChange={(e) => {
            setSaved(false);
            setGraceError(undefined);
            setGrace(e.target.value);
          }}
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
          const issued = list<string>(newUsers.credentials);
          return (
            <Toggle
              key={type}
              label={`Issue a ${type.replace('_', ' ')}`}
              checked={issued.includes(type)}
              onChange={(v) =>
                update('newUsers', 'credentials', v ? [...issued, type] : issued.filter((t) => t !== type))
              }
            />
          );
        })}
      </fieldset>
      {!ro && unsaved && (
        <Notice kind="warning">Unsaved changes to the options: press Save options to keep them.</Notice>
      )}
      {!ro && (
        <button type="button" className="primary" disabled={saveOptions.busy} onClick={saveAll}>
          Save options
        </button>
      )}
      {graceError && <Notice kind="error">Not saved: {graceError}</Notice>}
      {saved && <Notice kind="success">{savedText(props.connection.kind)}</Notice>}
      <ErrorNotice error={saveOptions.error ?? saveListEdit.error} />
      <ApplyPolicy
        connection={props.connection}
        pending={pending}
        onApplied={() => {
          setSaved(false);
          setPending(false);
          // Read again all the same: another admin may have saved a policy meanwhile.
          setPendingChecks((n) => n + 1);
        }}
      />
    </div>
  );
}
