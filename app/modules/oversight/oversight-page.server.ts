import { sql } from 'kysely';
import type { LevelValue } from '../../../db/database';
import { initialState, progressToNextLevel } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { getReviewSchedule, type ReviewSchedule } from '~/modules/meetings/next-review.server';
import { resolvePolicy } from './oversight.server';
import { policyInWords } from './policy-words';
import { CALIBRATION, emptyCalibration, type Calibration } from './oversight-page';

/**
 * The oversight page: every project's level, progress toward the next level and the calibration of its
 * owner's self-reports, plus each owner's record across their projects. Two queries in all: calibration comes
 * from the per-class event counts cached on each project (kept by recordOversightEvents, checked by verify).
 */
export async function getOversightOverview(
  db: Executor,
  {
    forumId,
    schedule: scheduleGiven,
  }: {
    forumId: number;
    /** The forum's review schedule, if the caller has it (decision 028); else read here. */
    schedule?: Promise<ReviewSchedule>;
  },
) {
  const [forum, projects, schedule] = await Promise.all([
    db.selectFrom('forums').select(['policy', 'policy_version']).where('id', '=', forumId).executeTakeFirstOrThrow(),
    db
      .selectFrom('projects as p')
      .innerJoin('users as o', 'o.id', 'p.owner_id')
      .select([
        'p.id',
        'p.name',
        'p.owner_id as ownerId',
        'o.name as owner',
        'p.oversight_level as level',
        'p.oversight_interval as interval',
        'p.oversight_escalated as escalated',
        'p.oversight_state as state',
        'p.oversight_explanation as explanation',
        'p.oversight_class_counts as classCounts',
      ])
      .where('p.forum_id', '=', forumId)
      .where('p.archived', '=', false)
      .orderBy(sql`array_position(array['tight','standard','light','trusted'], p.oversight_level)`)
      .orderBy('p.name')
      .execute(),
    scheduleGiven ?? getReviewSchedule(db, { forumId }),
  ]);
  const policy = resolvePolicy(forum.policy);
  const calibrationOf = (counts: Partial<Record<string, number>>): Calibration => {
    const c = emptyCalibration();
    for (const k of CALIBRATION) c[k] = counts[k] ?? 0;
    return c;
  };
  const rows = projects.map(({ state, classCounts, ...p }) => {
    const current = state ?? initialState(p.level, policy);
    const next = schedule.reviews.get(p.id);
    return {
      ...p,
      meetingsUntilReview: next?.meetingsUntil ?? 0,
      nextReview: next ? { at: next.at, when: next.when, label: next.label, reason: next.reason } : null,
      progress: progressToNextLevel(current, policy),
      calibration: calibrationOf(classCounts),
    };
  });

  const owners = new Map<
    number,
    { ownerId: number; owner: string; levels: LevelValue[]; escalated: number; calibration: Calibration }
  >();
  for (const r of rows) {
    const o = owners.get(r.ownerId) ?? {
      ownerId: r.ownerId,
      owner: r.owner,
      levels: [],
      escalated: 0,
      calibration: emptyCalibration(),
    };
    o.levels.push(r.level);
    if (r.escalated) o.escalated += 1;
    for (const k of CALIBRATION) o.calibration[k] += r.calibration[k];
    owners.set(r.ownerId, o);
  }
  return {
    projects: rows,
    owners: [...owners.values()].sort((a, b) => a.owner.localeCompare(b.owner)),
    policy,
    // The policy in force, in sentences made from its values (issue #15).
    policyInForce: { version: forum.policy_version, sections: policyInWords(policy) },
  };
}
