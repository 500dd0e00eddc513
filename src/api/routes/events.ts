import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkEventTypePattern, eventTypes } from '../../events/event-types.js';
import { EventsNoLongerKept, readEventPage } from '../../events/read-event-page.js';
import { invalidInput } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { sendProblem, toProblem, type Problem } from '../problem.js';
import { organizationOf } from '../request-context.js';
import { EventSchema, OrgParams } from '../schemas/common.js';

const EventsQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      pattern: '^[0-9]+$',
      description:
        'Cursor: the `nextCursor` of the previous page, or 0 (the default) for the oldest event kept',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  types: Type.Optional(
    Type.String({
      description: `Comma-separated types or \`prefix.*\` patterns, e.g. \`user.*,group.member_added\`. Known: ${eventTypes.join(', ')}`,
    }),
  ),
});

const EventPageSchema = Type.Object(
  {
    data: Type.Array(EventSchema),
    nextCursor: Type.String({
      description: 'Pass as `after` to continue; it stays the same while nothing new has happened',
    }),
    hasMore: Type.Boolean({
      description: 'Whether more matching events were already there; if not, poll later',
    }),
  },
  { title: 'EventPage' },
);

/** The organization's event log, in order and without gaps, as far back as its retention setting. */
export function registerEventRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get(
    '/event-types',
    {
      schema: {
        summary: 'The event types Roster writes, for filters of the Events API and of webhooks',
        tags: ['Events'],
        response: { 200: Type.Object({ data: Type.Array(Type.String()) }) },
      },
    },
    async () => ({ data: [...eventTypes] }),
  );
  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/organizations/:org/events',
    {
      schema: {
        summary: 'Read the event log after a cursor, in order and without gaps',
        description:
          'Events are numbered per organization (`seq`) in the order their changes committed. `after=0` reads from ' +
          'the oldest event kept. A cursor older than the retention window is answered with 410 Gone, whose ' +
          '`restartAfter` is the cursor to start again from and `oldestSeq` the oldest event kept; a cursor past the ' +
          'last event, which no page gave out, with 400.',
        tags: ['Events'],
        params: OrgParams,
        querystring: EventsQuery,
        response: { 200: EventPageSchema },
      },
    },
    async (request, reply) => {
      const types = (request.query.types ?? '')
        .split(',')
        .map((type) => type.trim())
        .filter((type) => type !== '');
      types.forEach((type) => {
        const problem = checkEventTypePattern(type);
        if (problem !== undefined) throw invalidInput(problem, 'types');
      });
      try {
        return await readEventPage(runtime.store.db, organizationOf(request).id, {
          // Past 2^53 `Number` rounds; readEventPage refuses such a cursor rather than use its neighbour.
          after: Number(request.query.after ?? '0'),
          limit: request.query.limit ?? 100,
          types,
        });
      } catch (error) {
        if (!(error instanceof EventsNoLongerKept)) throw error;
        // The restart cursor travels as members of the problem, so a consumer resumes without
        // parsing `detail`; the API's error handler copies only the members any problem may carry.
        const problem: Problem & { restartAfter: string; oldestSeq: number } = {
          ...toProblem(error, request),
          restartAfter: error.restartAfter,
          oldestSeq: error.oldestSeq,
        };
        request.log.info({ status: problem.status, type: problem.type }, 'API request refused');
        return sendProblem(reply, problem);
      }
    },
  );
}
