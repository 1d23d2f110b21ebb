import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { isDiscussed } from './agenda';
import { planAgenda } from './agenda.server';
import { getReviewSchedule, type ReviewSchedule } from './next-review.server';
import { meetingCounts } from './meetings.server';
import type { LoadPoint, ReviewLoad } from './review-load';

function meetingLoads(db: Executor, forumId: number) {
  return (
    db
      // When each active project of the forum started (its creation or first oversight event), computed once per
      // query rather than once per meeting and project (issue #8).
      .with(
        (cte) => cte('project_starts').materialized(),
        (qc) =>
          qc
            .selectFrom('projects as p')
            .select(
              sql<Date>`least(p.created_at, (select min(e.occurred_at) from oversight_events e where e.project_id = p.id))`.as(
                'started',
              ),
            )
            .where('p.forum_id', '=', forumId)
            .where('p.archived', '=', false),
      )
      .selectFrom('meetings as m')
      .select((eb) => [
        'm.id',
        'm.scheduled_at as scheduledAt',
        'm.state',
        ...meetingCounts(eb),
        // Projects that existed at the meeting (their oversight started by then): "everything every meeting".
        sql<number>`(select count(*)::int from project_starts ps where ps.started <= m.scheduled_at)`.as('projects'),
      ])
      .where('m.forum_id', '=', forumId)
  );
}

type LoadRow = Awaited<ReturnType<ReturnType<typeof meetingLoads>['execute']>>[number];

function toPoint(r: LoadRow, expectedDiscussed?: number): LoadPoint {
  const hasAgenda = (r.agendaItems ?? 0) > 0;
  return {
    meetingId: r.id,
    scheduledAt: r.scheduledAt,
    state: r.state,
    // Without stored agenda rows: a meeting of the seeded history counts its reviews; a planned one, what is expected.
    discussed: hasAgenda ? (r.discussed ?? 0) : (expectedDiscussed ?? r.reviewed ?? 0),
    everything: hasAgenda ? (r.agendaItems ?? 0) : (r.projects ?? 0),
  };
}

/**
 * Review load for a meeting (or the forum's next one) and the `history` closed meetings before it: a fixed
 * number of queries (four at most) whatever the number of meetings and projects.
 */
export async function getReviewLoad(
  db: Executor,
  {
    forumId,
    meetingId,
    history = 12,
    agenda,
    schedule,
  }: {
    forumId: number;
    meetingId?: number;
    history?: number;
    /** The planned meeting's agenda, if the caller built it already. */
    agenda?: Awaited<ReturnType<typeof planAgenda>>;
    /** The forum's review schedule, if the caller read it already (its coming meeting's count is every page's). */
    schedule?: ReviewSchedule;
  },
): Promise<ReviewLoad> {
  const forum = db
    .selectFrom('forums')
    .select('minutes_per_review')
    .where('id', '=', forumId)
    .executeTakeFirstOrThrow();
  const currentRow = await (
    meetingId === undefined
      ? meetingLoads(db, forumId).where('m.state', 'in', ['planned', 'in_progress']).orderBy('m.scheduled_at').limit(1)
      : meetingLoads(db, forumId).where('m.id', '=', meetingId)
  ).executeTakeFirst();
  let past = meetingLoads(db, forumId).where('m.state', '=', 'closed');
  if (currentRow) past = past.where('m.scheduled_at', '<', currentRow.scheduledAt);
  // A planned meeting's agenda is not stored until it starts. The coming meeting's count is the review schedule's, the one every page shows (decision 019); a caller that
  // built the planned meeting's agenda already (the meeting page) counts that.
  const planned = currentRow?.state === 'planned';
  const scheduleRead =
    planned && !agenda
      ? schedule?.meeting?.id === currentRow.id
        ? schedule
        : getReviewSchedule(db, { forumId })
      : null;
  const [settings, pastRows, coming] = await Promise.all([
    forum,
    past.orderBy('m.scheduled_at', 'desc').limit(history).execute(),
    scheduleRead,
  ]);

  let current: LoadPoint | null = null;
  if (currentRow) {
    if (planned && coming?.meeting?.id === currentRow.id) {
      current = {
        ...toPoint({ ...currentRow, agendaItems: 0 }, coming.dueAtComingMeeting),
        everything: coming.reviews.size,
      };
    } else if (planned) {
      const items =
        agenda ?? (await planAgenda(db, { id: currentRow.id, forumId, scheduledAt: currentRow.scheduledAt }));
      current = {
        ...toPoint({ ...currentRow, agendaItems: 0 }, items.filter(isDiscussed).length),
        everything: items.length,
      };
    } else {
      current = toPoint(currentRow);
    }
  }
  return { minutesPerReview: settings.minutes_per_review, current, history: pastRows.reverse().map((r) => toPoint(r)) };
}
