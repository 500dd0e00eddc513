import type { GroupRef, Policy } from '../../domain/policy/policy.js';
import type { Executor } from '../../store/database.js';
import { selectSyncRuns } from '../../sync/runs/sync-runs.js';
import { userSelect } from './graph-user.js';
import { groupsPolicyNames } from './scoped-groups.js';

/**
 * What a preview of a Graph connection's policy cannot show. A preview decides again from what
 * is stored; groups a new scope names and properties a new mapping reads have never been read
 * from Graph, so the preview shows their members as out of scope and their values as empty, while
 * the next sync reads them first. Saying so keeps an admin from misreading the counts.
 */
export async function graphPreviewNotes(
  db: Executor,
  connectionId: string,
  policy: Policy,
): Promise<string[]> {
  const notes: string[] = [];
  const unsynced = new Set<string>();
  for (const ref of scopeGroups(policy)) {
    if (!(await isStored(db, connectionId, ref)))
      unsynced.add('id' in ref ? `id ${ref.id}` : `"${ref.name}"`);
  }
  if (unsynced.size > 0) {
    notes.push(
      `The policy names groups this connection has not read yet (${[...unsynced].join(', ')}): the preview ` +
        'counts nobody as their member. The next sync reads them from Graph first; a dry-run ' +
        'sync (`roster sync --dry-run`, or the API with dryRun) shows what it would do.',
    );
  }
  const [last] = (await selectSyncRuns(db, connectionId, { limit: 20 })).filter(
    (run) => run.status === 'succeeded' && !run.dryRun,
  );
  const previous = last?.progress.selectKey;
  if (typeof previous === 'string') {
    const read = new Set(previous.split(','));
    const added = userSelect(policy.attributeMapping).filter((name) => !read.has(name));
    if (added.length > 0) {
      notes.push(
        `The attribute mapping reads Graph properties not read so far (${added.join(', ')}): the ` +
          'preview sees them empty. The next sync reads every user again with them.',
      );
    }
  }
  return notes;
}

/** The groups a scoped pull reads because the policy names them; a pull of the whole tenant reads every group. */
function scopeGroups(policy: Policy): readonly GroupRef[] {
  if (policy.scope.users === 'all') return [];
  const scope = policy.scope.users === 'groups' ? policy.scope.groups : [];
  return [...scope, ...groupsPolicyNames(policy)];
}

async function isStored(db: Executor, connectionId: string, ref: GroupRef): Promise<boolean> {
  let query = db.selectFrom('directory_groups').select('id').where('connection_id', '=', connectionId);
  query =
    'id' in ref
      ? query.where('id', '=', ref.id)
      : query.where('display_name_key', '=', ref.name.toLowerCase());
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
