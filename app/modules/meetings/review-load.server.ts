import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { isDiscussed } from './agenda';
import { planAgenda } from './agenda.server';
import { getReviewSchedule, type ReviewSchedule } from './next-review.server';
import type { LoadPoint, ReviewLoad } from './review-load';
import { meetingReviewCounts } from './meetings.server';

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
        // The counts a load point reads (not the level changes of meetingCounts).
        ...meetingReviewCounts(eb),
        // Projects that existed at the meeting (their oversight started by then): "everything every meeting", for a
        // closed meeting without a stored agenda only (a held meeting counts its agenda; the coming one, the review
        // schedule or the agenda its page built): otherwise the starts are not read.
        sql<
          number | null
        >`case when m.state <> 'closed' or exists (select 1 from agenda_items ai where ai.meeting_id = m.id) then null else (select count(*)::int from project_starts ps where ps.started <= m.scheduled_at) end`.as(
          'projects',
        ),
      ])
      .where('m.forum_id', '=', forumId)
  );
}

type PlannedAgenda = Awaited<ReturnType<typeof planAgenda>>;
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
 * Review load for a meeting (or the forum's next one) and the `history` closed meetings before it: one query for
 * the meeting and its history (with the forum's minutes per review) whatever the number of meetings and
 * projects; a planned meeting's count is the review schedule's, or the agenda the caller built.
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
    /** The planned meeting's agenda, if the caller builds it anyway (or is building it: awaited after the rows). */
    agenda?: PlannedAgenda | Promise<PlannedAgenda | undefined>;
    /** The forum's review schedule, if the caller read it (or is reading it: its coming meeting's count is every page's). */
    schedule?: ReviewSchedule | Promise<ReviewSchedule>;
  },
): Promise<ReviewLoad> {
  if (schedule) void Promise.resolve(schedule).catch(() => {}); // awaited below, if at all
  void Promise.resolve(agenda).catch(() => {}); // likewise
  // The meeting itself: the given one, or the forum's next (its earliest planned or in progress).
  const currentId = db
    .selectFrom('meetings as c')
    .select('c.id')
    .where('c.forum_id', '=', forumId)
    .$if(meetingId === undefined, (q) =>
      q.where('c.state', 'in', ['planned', 'in_progress']).orderBy('c.scheduled_at').limit(1),
    )
    .$if(meetingId !== undefined, (q) => q.where('c.id', '=', meetingId ?? -1));
  // It and the closed meetings before it, newest first, in one query, each row with the forum's minutes per review.
  const rowsRead = meetingLoads(db, forumId)
    .select((eb) =>
      eb
        .selectFrom('forums as f')
        .select('f.minutes_per_review')
        .whereRef('f.id', '=', 'm.forum_id')
        .as('minutesPerReview'),
    )
    .where((w) =>
      w.or([
        w('m.id', '=', currentId),
        w.and([
          w('m.state', '=', 'closed'),
          w(
            'm.scheduled_at',
            '<',
            sql<Date>`coalesce((select c2.scheduled_at from meetings c2 where c2.id = (${currentId})), 'infinity'::timestamptz)`,
          ),
        ]),
      ]),
    )
    .orderBy('m.scheduled_at', 'desc')
    .limit(history + 1)
    .execute();
  const [rows, built] = await Promise.all([rowsRead, agenda]);
  // A forum without meetings has no rows to carry its minutes per review: then they are read on their own.
  const minutesPerReview =
    rows[0]?.minutesPerReview ??
    (await db.selectFrom('forums').select('minutes_per_review').where('id', '=', forumId).executeTakeFirstOrThrow())
      .minutes_per_review;
  // The current meeting, if any: the given one, or the one row not closed.
  const currentRow = rows.find((r) => (meetingId === undefined ? r.state !== 'closed' : r.id === meetingId));
  const pastRows = rows.filter((r) => r !== currentRow).slice(0, history);
  // A planned meeting's agenda is not stored until it starts. The coming meeting's count is the review schedule's, the one every page shows (decision 019); a caller that
  // built the planned meeting's agenda already (the meeting page) counts that.
  const planned = currentRow?.state === 'planned';
  const given = planned && !built ? await schedule : undefined;
  const coming =
    planned && !built
      ? given?.meeting?.id === currentRow.id
        ? given
        : await getReviewSchedule(db, { forumId })
      : null;

  let current: LoadPoint | null = null;
  if (currentRow) {
    if (planned && coming?.meeting?.id === currentRow.id) {
      current = {
        ...toPoint({ ...currentRow, agendaItems: 0 }, coming.dueAtComingMeeting),
        everything: coming.reviews.size,
      };
    } else if (planned) {
      const items =
        built ?? (await planAgenda(db, { id: currentRow.id, forumId, scheduledAt: currentRow.scheduledAt }));
      current = {
        ...toPoint({ ...currentRow, agendaItems: 0 }, items.filter(isDiscussed).length),
        everything: items.length,
      };
    } else {
      current = toPoint(currentRow);
    }
  }
  return { minutesPerReview, current, history: pastRows.reverse().map((r) => toPoint(r)) };
}
