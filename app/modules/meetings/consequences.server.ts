import type { HealthValue, LevelValue } from '../../../db/database';
import { stepOversight, type OversightInput, type OversightRow } from '~/modules/oversight/oversight.server';
import { healthWords, levelLabel } from '~/oversight/explain';
import type { OversightState } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { isDiscussed } from './agenda';
import { VERDICTS } from './meetings';
import { selectProjectsForClose } from './meetings.server';
import { missedStatusRule } from './close.server';

/** A project as the close will find it: its cached engine state, this cycle's status and the verdict recorded so far. */
export interface CloseFacts extends OversightRow {
  id: number;
  name: string;
  ownerId: number;
  owner: string;
  hasStatus: boolean;
  selfReport: HealthValue;
  verdict: HealthValue | null;
  discussed: boolean;
  archived: boolean;
}

export interface LevelMove {
  projectId: number;
  project: string;
  from: LevelValue;
  to: LevelValue;
}

/** What one verdict choice will do once the meeting closes. */
export interface Consequence {
  verdict: HealthValue;
  /** The project's own level, before the close and after it. */
  from: LevelValue;
  to: LevelValue;
  /** The owner's other projects whose level the verdict moves (honesty spill-over). */
  spillover: LevelMove[];
  text: string;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The events the close feeds the engine for a project (close.server.ts): a missed status first, then the review. */
function closeInputs(p: CloseFacts, verdict: HealthValue | null): OversightInput[] {
  const inputs: OversightInput[] = [];
  if (!p.hasStatus) inputs.push({ event: { type: 'missed' } });
  if (verdict) inputs.push({ event: { type: 'review', verdict, selfReport: p.selfReport } });
  return inputs;
}

const isHardMiss = (states: OversightState[]) => states.some((s) => s.eventClass === 'HARD_MISS');

/**
 * What each verdict choice on each discussed item will do when the meeting closes, as a pure preview: the
 * engine stepped from each project's current cached state through the events the close will feed it (the
 * other items' recorded verdicts included), nothing written. Cheap: a few engine steps per item, no replay.
 */
export function previewConsequences(projects: readonly CloseFacts[]): Map<number, Consequence[]> {
  // Every project as the close leaves it before the spill-over, with the verdicts recorded so far.
  const recorded = new Map(projects.map((p) => [p.id, stepOversight(p.id, p, closeInputs(p, p.verdict)).states]));
  const hardMissesOf = (ownerId: number, except: number) =>
    projects.filter((o) => o.ownerId === ownerId && o.id !== except && isHardMiss(recorded.get(o.id) ?? []));
  const levelAfter = (p: CloseFacts) => recorded.get(p.id)?.at(-1)?.level ?? p.oversight_level;

  const out = new Map<number, Consequence[]>();
  for (const p of projects) {
    if (!p.discussed) continue;
    const otherHardMisses = hardMissesOf(p.ownerId, p.id);
    out.set(
      p.id,
      VERDICTS.map((verdict) => {
        const states = stepOversight(p.id, p, closeInputs(p, verdict)).states;
        const hard = isHardMiss(states);
        const steps = states.map((s) => s.explanation);
        // Another project's recorded hard miss spills over onto this one too (unless this one is a hard miss itself).
        if (!hard && otherHardMisses.length > 0) {
          const last = states.at(-1);
          const level = last?.level ?? p.oversight_level;
          if (level === 'trusted' || level === 'light') {
            const row = last ? { ...p, oversight_state: last, oversight_level: level } : p;
            const spilled = stepOversight(p.id, row, [
              { event: { type: 'spillover', project: otherHardMisses.map((o) => o.name).join(' and ') } },
            ]).states;
            states.push(...spilled);
            steps.push(...spilled.map((s) => s.explanation));
          }
        }
        const to = states.at(-1)?.level ?? p.oversight_level;
        // This verdict's hard miss spills over onto the owner's other Trusted (and Light) projects.
        const spillover: LevelMove[] = [];
        if (hard && otherHardMisses.length === 0) {
          for (const o of projects) {
            if (o.ownerId !== p.ownerId || o.id === p.id || isHardMiss(recorded.get(o.id) ?? [])) continue;
            // Trusted when the close reaches the spill-over, and Trusted now (else the close shows no change).
            if (!o.archived && levelAfter(o) === 'trusted' && o.oversight_level === 'trusted')
              spillover.push({ projectId: o.id, project: o.name, from: 'trusted', to: 'light' });
          }
        }
        const head = `${capitalised(healthWords(verdict))} against the owner's ${healthWords(p.selfReport)}`;
        const missed = p.hasStatus ? '' : ' (with the status not posted counted first)';
        const others = spillover.map(
          (s) => `${p.owner}'s other ${levelLabel(s.from)} project ${s.project} → ${levelLabel(s.to)}`,
        );
        const text = `${head}${missed}: ${steps.join('; then ')}${others.length ? `; and ${others.join(', and ')}` : ''}`;
        return { verdict, from: p.oversight_level, to, spillover, text };
      }),
    );
  }
  return out;
}

/**
 * The preview for the discussed items of a meeting in progress (`only`: those the page shows; default all), from
 * the projects as the close will find them (one query). A verdict moves its own project and, by the spill-over, the
 * owner's other projects only, so only the projects of the shown items' owners are read and stepped: a page of 10
 * items on an agenda of 350 reads tens of projects, not the forum's 500.
 */
export async function loadVerdictConsequences(
  db: Executor,
  { forumId, meetingId, only }: { forumId: number; meetingId: number; only?: readonly number[] },
): Promise<Record<number, Consequence[]>> {
  if (only?.length === 0) return {};
  const meeting = await db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .select([
      'm.id',
      'm.scheduled_at as scheduledAt',
      'm.state',
      'm.started_at as startedAt',
      'f.status_deadline_hours as deadlineHours',
    ])
    .where('m.id', '=', meetingId)
    .where('m.forum_id', '=', forumId)
    .executeTakeFirst();
  if (!meeting || meeting.state !== 'in_progress') return {};
  // As the close will: a missing status counts only if its deadline had passed when the meeting started.
  const { missedScored } = missedStatusRule(meeting);
  const rows = await selectProjectsForClose(db, { forumId, meeting })
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('users as o', 'o.id', 'p.owner_id')
    .select([
      'p.archived',
      'o.name as owner',
      'p.oversight_state',
      'p.oversight_event_count',
      'p.oversight_level',
      'p.oversight_class_counts',
      'f.policy',
      'f.policy_version',
    ])
    .$if(only !== undefined, (q) =>
      q.where('p.owner_id', 'in', (eb) => eb.selectFrom('projects').select('owner_id').where('id', 'in', only!)),
    )
    .execute();
  const shown = only && new Set(only);
  const facts: CloseFacts[] = rows.map(({ section, pulled, ...r }) => ({
    ...r,
    hasStatus: Boolean(r.hasStatus) || !missedScored,
    discussed: section !== null && (!shown || shown.has(r.id)) && isDiscussed({ section, pulled: pulled ?? false }),
  }));
  return Object.fromEntries(previewConsequences(facts));
}
