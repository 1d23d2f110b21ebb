import type { HealthValue, LevelValue, MeetingState } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import {
  oversightPreview,
  oversightWriter,
  type OversightInput,
  type OversightRecorder,
} from '~/modules/oversight/oversight.server';
import type { EngineEvent, OversightState } from '~/oversight';
import { inTransaction, type Executor } from '~/utils/db.server';
import { ok, refuse, type Result } from '~/utils/result';
import { statusCycle } from '~/modules/status/status';
import { lockMeeting, selectProjectsForClose, type LockedMeeting } from './meetings.server';
import { ensurePlannedMeetings } from './schedule.server';
import { enqueueMeetingDigest } from '~/modules/mail/meeting-emails.server';

/**
 * Whether a close scores missing statuses: only once the cycle's deadline had passed when the meeting started
 * (posting closes at the start; docs/decisions/007). The close, its confirmation and the verdict preview use it.
 */
export function missedStatusRule(
  meeting: { scheduledAt: Date; state: MeetingState; deadlineHours: number; startedAt: Date | null },
  now: Date = new Date(),
): { deadline: Date; missedScored: boolean } {
  const { deadline } = statusCycle({
    scheduledAt: meeting.scheduledAt,
    state: meeting.state,
    deadlineHours: meeting.deadlineHours,
  });
  // A skipped meeting scores nothing, whenever its time was (docs/decisions/013).
  return {
    deadline,
    missedScored: meeting.state !== 'skipped' && (meeting.startedAt ?? now).getTime() >= deadline.getTime(),
  };
}

export interface LevelChange {
  projectId: number;
  project: string;
  from: LevelValue;
  to: LevelValue;
  explanation: string;
}

export interface CloseSummary {
  reviews: number;
  missed: number;
  spillovers: number;
  /** Consent items accepted without a review. */
  accepted: number;
  levelChanges: LevelChange[];
  /** Each verdict the close applies. */
  verdicts: { project: string; verdict: HealthValue }[];
  /** Projects recorded as missing their status (the deadline had passed when the meeting started). */
  missedProjects: string[];
  /** Projects without a status whose deadline had not passed when the meeting started: nothing is recorded. */
  notScored: string[];
  /** The status deadline of this meeting's cycle (ISO). */
  deadline: string;
}

/**
 * The close, for real or as a preview: the same code decides every event either way, and only `recorder`
 * (writing or previewing) and `write` differ. The caller holds the meeting row's lock.
 */
async function runClose(
  trx: Executor,
  {
    forumId,
    meeting,
    recorder,
    write,
    now,
  }: { forumId: number; meeting: LockedMeeting; recorder: OversightRecorder; write: boolean; now: Date },
): Promise<CloseSummary> {
  const [projects, timing] = await Promise.all([
    selectProjectsForClose(trx, { forumId, meeting })
      .select(['r.id as reviewId', 'r.reviewer_id as reviewerId', 'r.self_report as storedSelfReport'])
      .execute(),
    trx
      .selectFrom('meetings as m')
      .innerJoin('forums as f', 'f.id', 'm.forum_id')
      .select(['m.started_at as startedAt', 'f.status_deadline_hours as deadlineHours'])
      .where('m.id', '=', meeting.id)
      .executeTakeFirstOrThrow(),
  ]);
  // A status is missed only once its deadline has passed (docs/decisions/007): posting closes when the meeting
  // starts, so a meeting started before the deadline scores no missing status, whenever it closes.
  const { deadline, missedScored } = missedStatusRule(
    {
      scheduledAt: meeting.scheduledAt,
      state: meeting.state,
      deadlineHours: timing.deadlineHours,
      startedAt: timing.startedAt,
    },
    now,
  );

  const summary: CloseSummary = {
    reviews: 0,
    missed: 0,
    spillovers: 0,
    accepted: 0,
    levelChanges: [],
    verdicts: [],
    missedProjects: [],
    notScored: [],
    deadline: deadline.toISOString(),
  };
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const noteChanges = (projectId: number, states: OversightState[]) => {
    for (const s of states) {
      if (s.changed)
        summary.levelChanges.push({
          projectId,
          project: names.get(projectId) ?? '',
          from: s.previousLevel,
          to: s.level,
          explanation: s.explanation,
        });
    }
  };
  // Reviews are the reviewer's; missed statuses and spill-overs are the engine's (no actor).
  const event = (e: EngineEvent, actor: number | null = null): OversightInput => ({
    event: e,
    actorId: actor,
    meetingId: meeting.id,
    occurredAt: now,
  });
  const hardMisses = new Map<number, Set<number>>(); // owner → projects with a hard miss

  for (const p of projects) {
    const inputs: OversightInput[] = [];
    if (!p.hasStatus && missedScored) {
      inputs.push(event({ type: 'missed' }));
      summary.missed += 1;
      summary.missedProjects.push(p.name);
    } else if (!p.hasStatus) {
      summary.notScored.push(p.name);
    }
    if (p.reviewId !== null && p.verdict !== null) {
      inputs.push(event({ type: 'review', verdict: p.verdict, selfReport: p.selfReport }, p.reviewerId));
      summary.reviews += 1;
      summary.verdicts.push({ project: p.name, verdict: p.verdict });
      // The stored review shows what the engine was given.
      if (write && p.storedSelfReport !== p.selfReport) {
        await trx.updateTable('reviews').set({ self_report: p.selfReport }).where('id', '=', p.reviewId).execute();
      }
    } else if (p.section === 'consent' && !p.pulled) {
      summary.accepted += 1;
    }
    const states = await recorder.record({ projectId: p.id, inputs });
    noteChanges(p.id, states);
    if (states.some((s) => s.eventClass === 'HARD_MISS'))
      hardMisses.set(p.ownerId, (hardMisses.get(p.ownerId) ?? new Set()).add(p.id));
  }

  // Honesty spill-over: the owner's other Trusted projects drop to Light, and their Light projects restart
  // the streak toward Trusted (docs/decisions/001, decision 3); Tight and Standard are unaffected. Levels are
  // as this close left them (the preview's are in memory).
  if (hardMisses.size > 0) {
    const others = await trx
      .selectFrom('projects')
      .select(['id', 'name', 'owner_id as ownerId', 'oversight_level as level'])
      .where('forum_id', '=', forumId)
      .where('archived', '=', false)
      .where('owner_id', 'in', [...hardMisses.keys()])
      .orderBy('id')
      .execute();
    for (const other of others) {
      if (hardMisses.get(other.ownerId)?.has(other.id)) continue;
      const level = recorder.levelOf(other.id, other.level);
      if (level !== 'trusted' && level !== 'light') continue;
      names.set(other.id, other.name);
      // The explanation names the project(s) whose hard miss caused it.
      const cause = [...(hardMisses.get(other.ownerId) ?? [])].map((id) => names.get(id) ?? '').join(' and ');
      noteChanges(
        other.id,
        await recorder.record({ projectId: other.id, inputs: [event({ type: 'spillover', project: cause })] }),
      );
      summary.spillovers += 1;
    }
  }
  return summary;
}

/**
 * Closes a meeting in one transaction (DESIGN §4): a MISSED event for every active project without a status
 * for this cycle (only when its deadline had passed: docs/decisions/007), every review fed to the engine with
 * the owner's self-report, honesty spill-over for owners with a hard miss, the cached levels refreshed, the
 * close audit-logged. The meeting row is locked first and its state checked inside the transaction, so when two
 * leaders close at once the second finds it closed and changes nothing (`applied: false`).
 */
export async function closeMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    request,
    now = new Date(),
  }: { forumId: number; meetingId: number; actorId: number; request?: Request; now?: Date },
): Promise<Result<{ applied: boolean; summary: CloseSummary | null }>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'closed') return ok({ applied: false, summary: null });
    // A skipped meeting is never an engine event (docs/decisions/013): it never closes, so it never scores.
    if (meeting.state === 'skipped')
      return refuse({ status: 409, message: 'This meeting was skipped: it is not held, so it cannot close.' });
    if (meeting.state !== 'in_progress')
      return refuse({ status: 409, message: 'Start the meeting before closing it.' });
    const summary = await runClose(trx, { forumId, meeting, recorder: oversightWriter(trx), write: true, now });
    await trx
      .updateTable('meetings')
      .set({ state: 'closed', closed_at: now, closed_by: actorId })
      .where('id', '=', meeting.id)
      .execute();
    // The digest is written with the close: it exists exactly when the close committed (decision 014).
    await enqueueMeetingDigest(trx, { forumId, meetingId: meeting.id, summary });
    // The schedule stays planned ahead: the meeting after this one exists before anyone looks for it.
    await ensurePlannedMeetings(trx, { forumId, now });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.close',
      target: `meeting:${meeting.id}`,
      detail: {
        reviews: summary.reviews,
        missed: summary.missed,
        spillovers: summary.spillovers,
        accepted: summary.accepted,
        levelChanges: summary.levelChanges.length,
      },
      request,
    });
    return ok({ applied: true, summary });
  });
}

/**
 * What closing the meeting now would do (the confirmation's summary), computed by the close's own code with the
 * engine stepped in memory: nothing is written. A closed meeting has nothing to preview (`null`).
 */
export async function previewClose(
  db: Executor,
  { forumId, meetingId, now = new Date() }: { forumId: number; meetingId: number; now?: Date },
): Promise<Result<CloseSummary | null>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'share' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'closed') return ok(null);
    if (meeting.state === 'skipped')
      return refuse({ status: 409, message: 'This meeting was skipped: it is not held, so it cannot close.' });
    if (meeting.state !== 'in_progress')
      return refuse({ status: 409, message: 'Start the meeting before closing it.' });
    return ok(await runClose(trx, { forumId, meeting, recorder: oversightPreview(trx), write: false, now }));
  });
}
