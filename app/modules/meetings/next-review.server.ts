import type { AgendaSection } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { forumValue, heldForumValue } from '~/utils/page-cache.server';
import {
  buildAgenda,
  exceptionKindOf,
  isDiscussed,
  meetingsUntilDue,
  REVIEW_KIND_LABELS,
  reviewWhen,
  type ReviewKind,
} from './agenda';
import { loadAgendaFacts } from './agenda.server';
import { nextOccurrences } from './schedule';

/** When a project is reviewed next and why: the one answer every page gives (decision 019). */
export interface NextReview {
  projectId: number;
  /** The project's name (the agenda lists exceptions by name). */
  name: string;
  /** Meetings until the review: 0 = the coming meeting (the forum's earliest meeting not closed). */
  meetingsUntil: number;
  /** When that meeting is (a planned meeting's time, or the forum's cadence beyond them); null without a schedule. */
  at: Date | null;
  /** The coming meeting's agenda section for the project. */
  section: AgendaSection;
  kind: ReviewKind;
  /** Plain label of the kind ("Status missing", "Due by cadence", …). */
  label: string;
  /** The agenda's full reason. */
  reason: string;
  /** "next meeting" / "in N meetings". */
  when: string;
}

export interface ReviewSchedule {
  /** The coming meeting: the forum's earliest meeting that is not closed, with the forum's status deadline for it. */
  meeting: { id: number; scheduledAt: Date; state: 'planned' | 'in_progress'; deadlineHours: number } | null;
  reviews: Map<number, NextReview>;
  /** Projects reviewed at the coming meeting (the agenda's discussed items). */
  dueAtComingMeeting: number;
}

/**
 * Every active project's next review and its reason, from the agenda's rules (buildAgenda): exceptions, due by
 * cadence, items a leader pulled, and the consent agenda's "not yet". A planned coming meeting's agenda is built
 * now (as planAgenda does); a started one's is its stored agenda. `projectIds` limits it to a few projects (a
 * project page). The dashboard, the oversight page, the project page, the CSV and the review load all read this.
 */
export async function getReviewSchedule(
  db: Executor,
  { forumId, projectIds, now = new Date() }: { forumId: number; projectIds?: readonly number[]; now?: Date },
): Promise<ReviewSchedule> {
  // The coming meetings with the forum's schedule (to continue it beyond them): one query.
  const upcoming = await db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .select([
      'm.id',
      'm.scheduled_at',
      'm.state',
      'f.cadence',
      'f.weekday',
      'f.meeting_time',
      'f.time_zone',
      'f.status_deadline_hours',
    ])
    .where('m.forum_id', '=', forumId)
    .where('m.state', 'in', ['planned', 'in_progress'])
    .orderBy('m.scheduled_at')
    .limit(12)
    .execute();
  const coming = upcoming[0];
  // Without a meeting to come, the facts as of now (nobody is pulled or requested at a meeting that does not exist).
  const ref = coming
    ? { id: coming.id, forumId, scheduledAt: coming.scheduled_at }
    : { id: -1, forumId, scheduledAt: now };
  const [facts, stored] = await Promise.all([
    loadAgendaFacts(db, ref, now, { projectIds }),
    coming?.state === 'in_progress'
      ? (() => {
          let q = db
            .selectFrom('agenda_items')
            .select(['project_id', 'section', 'reason', 'pulled'])
            .where('meeting_id', '=', coming.id);
          if (projectIds)
            q = projectIds.length > 0 ? q.where('project_id', 'in', projectIds) : q.where('project_id', '=', -1);
          return q.execute();
        })()
      : Promise.resolve(null),
  ]);

  const times = upcoming.map((m) => m.scheduled_at);
  const meetingAt = (n: number): Date | null => {
    if (!coming) return null;
    const schedule = {
      cadence: coming.cadence,
      weekday: coming.weekday,
      meetingTime: coming.meeting_time,
      timeZone: coming.time_zone,
    };
    if (n < times.length) return times[n];
    // Beyond the planned meetings, the forum's cadence continues from the last one.
    const more = nextOccurrences(schedule, {
      after: times.at(-1) ?? null,
      now: times.at(-1) ?? now,
      count: n - times.length + 1,
    });
    times.push(...more);
    return times[n] ?? null;
  };

  const reviews = new Map<number, NextReview>();
  const names = new Map(facts.map((f) => [f.projectId, f.name]));
  const put = (projectId: number, section: AgendaSection, kind: ReviewKind, reason: string, meetingsUntil: number) =>
    reviews.set(projectId, {
      projectId,
      name: names.get(projectId) ?? '',
      meetingsUntil,
      at: meetingAt(meetingsUntil),
      section,
      kind,
      label: REVIEW_KIND_LABELS[kind],
      reason,
      when: reviewWhen(meetingsUntil),
    });

  if (stored) {
    // A meeting in progress keeps the agenda frozen at its start.
    const byProject = new Map(facts.map((f) => [f.projectId, f]));
    for (const item of stored) {
      const f = byProject.get(item.project_id);
      if (!f) continue;
      byProject.delete(item.project_id);
      if (isDiscussed(item)) {
        const kind: ReviewKind =
          item.section === 'exception' ? exceptionKindOf(item.reason) : item.section === 'due' ? 'cadence' : 'pulled';
        put(
          f.projectId,
          item.section,
          kind,
          item.pulled ? `Pulled into discussion by a leader; ${item.reason}` : item.reason,
          0,
        );
      } else {
        put(f.projectId, item.section, 'scheduled', item.reason, Math.max(1, meetingsUntilDue(f)));
      }
    }
    // Projects created since the start are not on this agenda: the earliest they can be reviewed is the next one.
    for (const f of byProject.values())
      put(
        f.projectId,
        'consent',
        'scheduled',
        'Not on the agenda of the meeting in progress',
        Math.max(1, meetingsUntilDue(f)),
      );
  } else {
    const pulled = new Set(facts.filter((f) => f.leaderPulled).map((f) => f.projectId));
    for (const e of buildAgenda(facts)) {
      if (e.section === 'consent' && pulled.has(e.projectId))
        put(e.projectId, e.section, 'pulled', `Pulled into discussion by a leader; ${e.reason}`, 0);
      else put(e.projectId, e.section, e.kind, e.reason, e.meetingsUntil);
    }
  }
  let dueAtComingMeeting = 0;
  for (const r of reviews.values()) if (r.meetingsUntil === 0) dueAtComingMeeting += 1;
  return {
    meeting: coming
      ? {
          id: coming.id,
          scheduledAt: coming.scheduled_at,
          state: coming.state as 'planned' | 'in_progress',
          deadlineHours: coming.status_deadline_hours,
        }
      : null,
    reviews,
    dueAtComingMeeting,
  };
}

const SCHEDULE_KEY = 'review-schedule';

/**
 * The forum's whole review schedule, computed once per forum version (decision 028): every page of the forum reads
 * its next reviews, counts and coming meeting from it, and none changes it.
 */
export function forumReviewSchedule(db: Executor, forum: { id: number; dataVersion: number }): Promise<ReviewSchedule> {
  return forumValue(
    forum,
    SCHEDULE_KEY,
    () => getReviewSchedule(db, { forumId: forum.id }),
    // Each next review (its reason and labels) is a few hundred bytes.
    (s) => 200 + 400 * s.reviews.size,
  );
}

/** The forum's schedule if it is at hand at this version, else the schedule of these projects alone (one page's). */
export function reviewScheduleFor(
  db: Executor,
  forum: { id: number; dataVersion: number },
  projectIds: readonly number[],
): Promise<ReviewSchedule> {
  return (
    heldForumValue<ReviewSchedule>(forum, SCHEDULE_KEY) ?? getReviewSchedule(db, { forumId: forum.id, projectIds })
  );
}

/** The schedule as `{ projectId: meetingsUntil }` JSON, for a query that filters or sorts by it. */
export function meetingsUntilJson(schedule: ReviewSchedule): string {
  return JSON.stringify(Object.fromEntries([...schedule.reviews.values()].map((r) => [r.projectId, r.meetingsUntil])));
}
