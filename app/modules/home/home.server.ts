import { sql } from 'kysely';
import type { HealthValue, LevelValue, MeetingState, Role } from '../../../db/database';
import type { ForumAccess } from '~/modules/auth/guards.server';
import { forumReviewSchedule, getReviewSchedule, type ReviewSchedule } from '~/modules/meetings/next-review.server';
import { statusCycle } from '~/modules/status/status';
import type { Executor } from '~/utils/db.server';

type HomeForum = ForumAccess['forum'];

/**
 * How many names each of the next meeting's lists, and the list of the member's own projects, shows: a page sends
 * what it shows (issue #17). A forum of 500 projects can have a hundred exceptions; their count, the first few and
 * the agenda's link tell a chair more than the whole list, which the agenda itself shows.
 */
export const HOME_LIST = 10;

/**
 * The forum's next meeting not closed (the status cycle), with its status deadline: the one the home and the
 * dashboard count statuses for (a page that shows both reads it once).
 */
export async function getComingMeeting(db: Executor, forumId: number, now: Date = new Date()) {
  const row = await db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .select(['m.id', 'm.scheduled_at as scheduledAt', 'm.state', 'f.status_deadline_hours as deadlineHours'])
    .where('m.forum_id', '=', forumId)
    .where('m.state', 'in', ['planned', 'in_progress'])
    .orderBy('m.scheduled_at')
    .limit(1)
    .executeTakeFirst();
  return row ? withStatusCycle(row, now) : null;
}

/** The coming meeting as the review schedule read it (a page that reads the schedule anyway sends no query for it). */
export function comingMeetingOf(schedule: ReviewSchedule, now: Date = new Date()) {
  return schedule.meeting ? withStatusCycle(schedule.meeting, now) : null;
}

function withStatusCycle(row: { id: number; scheduledAt: Date; state: string; deadlineHours: number }, now: Date) {
  const state = row.state as MeetingState;
  const cycle = statusCycle({ scheduledAt: row.scheduledAt, state, deadlineHours: row.deadlineHours }, now);
  return {
    id: row.id,
    scheduledAt: row.scheduledAt,
    state,
    deadline: cycle.deadline,
    open: cycle.open,
    deadlinePassed: cycle.late,
  };
}
export type ComingMeeting = Awaited<ReturnType<typeof getComingMeeting>>;
type NextMeeting = NonNullable<ComingMeeting>;

/**
 * This cycle's status of one project: posted (and still editable while the cycle is open), due by the deadline,
 * overdue (the deadline has passed, posting is still open and the status will be late), or closed without one.
 */
export type CycleState = 'posted' | 'due' | 'overdue' | 'missed' | 'no_meeting';

function cycleState(meeting: NextMeeting | null, health: HealthValue | null): CycleState {
  if (!meeting) return 'no_meeting';
  if (health) return 'posted';
  if (!meeting.open) return 'missed';
  return meeting.deadlinePassed ? 'overdue' : 'due';
}

/**
 * The owner's projects in one forum (the first HOME_LIST, those owing a status first, and how many there are):
 * level, next review, this cycle's status. The next review is every page's
 * (getReviewSchedule, the agenda's rules: decision 019).
 */
async function listMyProjects(
  db: Executor,
  {
    forum,
    userId,
    meeting,
    schedule: forumSchedule,
  }: { forum: HomeForum; userId: number; meeting: NextMeeting | null; schedule?: Promise<ReviewSchedule> },
) {
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('status_updates as s', (j) =>
      j.onRef('s.project_id', '=', 'p.id').on('s.meeting_id', '=', meeting?.id ?? -1),
    )
    .select([
      'p.id',
      'p.name',
      'p.oversight_level as level',
      'p.oversight_escalated as escalated',
      's.health',
      's.late',
    ])
    .where('p.forum_id', '=', forum.id)
    .where('p.owner_id', '=', userId)
    .where('p.archived', '=', false)
    .orderBy('p.name')
    .execute();
  // Those whose status is owed first, then the rest, by name within each; the first HOME_LIST of them.
  const owes = (r: (typeof rows)[number]) => ['due', 'overdue'].includes(cycleState(meeting, r.health));
  const shown = [...rows.filter(owes), ...rows.filter((r) => !owes(r))].slice(0, HOME_LIST);
  // The forum's schedule when the page reads it anyway, else the shown projects' part of it.
  const schedule =
    shown.length === 0
      ? null
      : await (forumSchedule ?? getReviewSchedule(db, { forumId: forum.id, projectIds: shown.map((r) => r.id) }));
  const projects = shown.map((r) => ({
    id: r.id,
    name: r.name,
    level: r.level as LevelValue,
    escalated: r.escalated,
    health: r.health,
    late: r.late ?? false,
    nextReview: schedule?.reviews.get(r.id)?.at?.toISOString() ?? null,
    reviewThisMeeting: schedule?.reviews.get(r.id)?.meetingsUntil === 0,
    cycle: cycleState(meeting, r.health),
    /** The status form takes a post or an edit while the cycle is open. */
    canPost: meeting?.open ?? false,
  }));
  return { projects, projectCount: rows.length };
}

/**
 * The next meeting as chairs and leaders prepare it: its exceptions (the agenda's rules, as the meeting page builds
 * them now; a started meeting's stored agenda) and the projects whose status is not in yet.
 */
async function meetingBrief(
  db: Executor,
  { forum, meeting, schedule }: { forum: HomeForum; meeting: NextMeeting; schedule: Promise<ReviewSchedule> },
) {
  const [{ reviews }, owners] = await Promise.all([
    schedule,
    db
      .selectFrom('projects as p')
      .innerJoin('users as o', 'o.id', 'p.owner_id')
      .leftJoin('status_updates as s', (j) => j.onRef('s.project_id', '=', 'p.id').on('s.meeting_id', '=', meeting.id))
      .select(['p.id', 'p.name', 'o.name as owner'])
      .select(sql<number>`count(*) over ()::int`.as('total'))
      .where('p.forum_id', '=', forum.id)
      .where('p.archived', '=', false)
      .where('s.id', 'is', null)
      .orderBy('p.name')
      .limit(HOME_LIST)
      .execute(),
  ]);
  // The coming meeting's agenda as every page tells it (getReviewSchedule, decision 019), in the agenda's order.
  const agenda = [...reviews.values()];
  const exceptions = agenda.filter((e) => e.section === 'exception');
  return {
    id: meeting.id,
    scheduledAt: meeting.scheduledAt.toISOString(),
    state: meeting.state,
    deadline: meeting.deadline.toISOString(),
    deadlinePassed: meeting.deadlinePassed,
    /** The first HOME_LIST exceptions in the agenda's order (the most pressing first); the rest are on the agenda. */
    exceptions: exceptions.slice(0, HOME_LIST).map(({ projectId, name, reason }) => ({ projectId, name, reason })),
    exceptionCount: exceptions.length,
    due: agenda.filter((e) => e.section === 'due').length,
    consent: agenda.filter((e) => e.section === 'consent').length,
    /** The first HOME_LIST projects without a status for the meeting, by name, and how many there are. */
    withoutStatus: owners.map((o) => ({
      projectId: o.id,
      name: o.name,
      owner: o.owner,
    })),
    withoutStatusCount: owners[0]?.total ?? 0,
  };
}
export type MeetingBrief = Awaited<ReturnType<typeof meetingBrief>>;

/** What one forum's part of a member's home shows: their projects (owners), the next meeting (chairs and leaders). */
export async function loadForumHome(
  db: Executor,
  {
    forum,
    role,
    userId,
    now = new Date(),
    schedule,
    comingMeeting,
  }: {
    forum: HomeForum;
    role: Role;
    userId: number;
    now?: Date;
    /** The forum's review schedule when the caller reads it anyway (the dashboard), so it is read once. */
    schedule?: Promise<ReviewSchedule>;
    /** The coming meeting when the caller reads it anyway (the dashboard). */
    comingMeeting?: Promise<ComingMeeting>;
  },
) {
  const prepares = role === 'chair' || role === 'leader';
  // Chairs and leaders read the forum's whole schedule for the meeting's brief (the one every page of the forum
  // shares at this version, decision 028): their own projects' next reviews and the coming meeting come from it too,
  // as on the forum page (an owner's home reads only their projects' part, and the coming meeting on its own).
  const forumSchedule = schedule ?? (prepares ? forumReviewSchedule(db, forum) : undefined);
  const meeting = await (comingMeeting ??
    (forumSchedule ? forumSchedule.then((s) => comingMeetingOf(s, now)) : getComingMeeting(db, forum.id, now)));
  const [{ projects, projectCount }, brief] = await Promise.all([
    listMyProjects(db, { forum, userId, meeting, schedule: forumSchedule }),
    prepares && meeting && forumSchedule
      ? meetingBrief(db, { forum, meeting, schedule: forumSchedule })
      : Promise.resolve(null),
  ]);
  return {
    forum: { slug: forum.slug, name: forum.name, timeZone: forum.timeZone },
    role,
    canStart: role === 'chair',
    userId,
    deadline: meeting ? meeting.deadline.toISOString() : null,
    projects,
    projectCount,
    meeting: brief,
  };
}
export type ForumHome = Awaited<ReturnType<typeof loadForumHome>>;
