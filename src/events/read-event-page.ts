import { sql } from 'kysely';
import { invalidInput, RosterError } from '../errors.js';
import type { Executor } from '../store/database.js';
import type { StoredEvent } from '../store/events.js';

/**
 * One page of the Events API. The cursor is the `seq` of the last event the reader has seen; 0
 * reads from the start of the log as retention left it.
 *
 * Gapless: `organizations.event_seq` is bumped under its row lock in the writing transaction, so
 * writers commit in `seq` order and every event up to the committed `event_seq` is visible. The
 * page reads that value first; when fewer events than asked for match, the next cursor jumps to it,
 * so a filtered reader moves past events it does not want without ever skipping one in flight.
 */
export interface EventPage {
  data: StoredEvent[];
  /** Pass back as `after` to continue; equals the request's cursor when nothing new has committed. */
  nextCursor: string;
  /** Whether more events were already committed when the page was read. */
  hasMore: boolean;
}

export async function readEventPage(
  db: Executor,
  organizationId: string,
  options: { after: number; limit: number; types: readonly string[] },
): Promise<EventPage> {
  const org = await db
    .selectFrom('organizations')
    .select('event_seq')
    .where('id', '=', organizationId)
    .executeTakeFirstOrThrow();
  const committed = Number(org.event_seq);
  assertCursorGivenOut(options.after, committed);
  await assertCursorRetained(db, organizationId, options.after, committed);

  let query = db
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('seq', '>', options.after)
    .where('seq', '<=', committed);
  const exact = options.types.filter((type) => !type.endsWith('.*'));
  const prefixes = options.types.filter((type) => type.endsWith('.*')).map((type) => type.slice(0, -1));
  if (options.types.length > 0) {
    query = query.where((eb) =>
      eb.or([
        ...(exact.length > 0 ? [eb('type', 'in', exact)] : []),
        // Prefixes are event-type words (letters, dots, underscores); `_` is escaped for LIKE.
        ...prefixes.map((prefix) =>
          eb('type', 'like', sql<string>`${prefix.replaceAll('_', '\\_') + '%'} escape '\\'`),
        ),
      ]),
    );
  }
  const rows = await query
    .orderBy('seq')
    .limit(options.limit + 1)
    .execute();
  const hasMoreMatching = rows.length > options.limit;
  const data = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    occurredAt: row.occurred_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  }));
  const last = data.at(-1);
  const next = hasMoreMatching && last ? last.seq : committed;
  return { data, nextCursor: String(next), hasMore: hasMoreMatching };
}

/**
 * No page ever hands out a cursor past the last committed event, so a larger one is a typo or a
 * cursor of another organization. Answering it with an empty page would make the reader skip every
 * event up to that number once they happen; it is refused instead. `seq` is a bigint column, but
 * a cursor past 2^53 could not be told apart from its neighbours here, so it is refused too.
 */
function assertCursorGivenOut(after: number, committed: number): void {
  if (!Number.isSafeInteger(after) || after < 0) {
    throw invalidInput(`after must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`, 'after');
  }
  if (after > committed) {
    throw invalidInput(
      `after=${after} is past the last event of the organization (${committed}); pass 0 or a nextCursor this API gave out`,
      'after',
    );
  }
}

/**
 * A cursor that fell behind retention would silently skip swept events, so the reader is told
 * instead (410) and handed the cursor to start again from, just before the oldest event kept.
 * `after=0` is not behind: it asks for the log from its start, which is the oldest event kept.
 */
export class EventsNoLongerKept extends RosterError {
  /** Pass as `after` to read on from the oldest event kept. */
  readonly restartAfter: string;
  /** The `seq` the log now starts at (the next one to be written when none is kept). */
  readonly oldestSeq: number;

  constructor(after: number, oldestSeq: number) {
    const restartAfter = oldestSeq - 1;
    super(
      'gone',
      `Events after ${after} are no longer kept (retention); the oldest kept event is ${oldestSeq}. Start again with after=${restartAfter}.`,
    );
    this.restartAfter = String(restartAfter);
    this.oldestSeq = oldestSeq;
  }
}

async function assertCursorRetained(
  db: Executor,
  organizationId: string,
  after: number,
  committed: number,
): Promise<void> {
  if (after === 0 || after >= committed) return;
  const oldest = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  const oldestSeq = oldest?.seq === null || oldest?.seq === undefined ? committed + 1 : Number(oldest.seq);
  if (after < oldestSeq - 1) throw new EventsNoLongerKept(after, oldestSeq);
}
