import { sql } from 'kysely';
import type { LevelValue } from '../../../db/database';
import { initialState, progressToNextLevel, type OversightState } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { meetingsUntilReviewSql } from '~/modules/projects/review-schedule.server';
import { resolvePolicy } from './oversight.server';
import { CALIBRATION, emptyCalibration, type Calibration, type CalibrationClass } from './oversight-page';


/**
 * The oversight page: every project's level, progress toward the next level and the calibration of its
 * owner's self-reports, plus each owner's record across their projects. Three queries in all.
 */
export async function getOversightOverview(db: Executor, { forumId }: { forumId: number }) {
  const [forum, projects, counts] = await Promise.all([
    db.selectFrom('forums').select('policy').where('id', '=', forumId).executeTakeFirstOrThrow(),
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
        meetingsUntilReviewSql.as('meetingsUntilReview'),
      ])
      .where('p.forum_id', '=', forumId)
      .where('p.archived', '=', false)
      .orderBy(sql`array_position(array['tight','standard','light','trusted'], p.oversight_level)`)
      .orderBy('p.name')
      .execute(),
    db
      .selectFrom('oversight_events as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select(['e.project_id as projectId', 'e.event_class as eventClass', sql<number>`count(*)::int`.as('n')])
      .where('p.forum_id', '=', forumId)
      .where('p.archived', '=', false)
      .where('e.event_class', 'in', CALIBRATION)
      .groupBy(['e.project_id', 'e.event_class'])
      .execute(),
  ]);
  const policy = resolvePolicy(forum.policy);
  const calibration = new Map<number, Calibration>();
  for (const c of counts) {
    const entry = calibration.get(c.projectId) ?? emptyCalibration();
    entry[c.eventClass as CalibrationClass] = c.n;
    calibration.set(c.projectId, entry);
  }
  const rows = projects.map(({ state, ...p }) => {
    const current = (state as OversightState | null) ?? initialState(p.level, policy);
    return { ...p, progress: progressToNextLevel(current, policy), calibration: calibration.get(p.id) ?? emptyCalibration() };
  });

  const owners = new Map<number, { ownerId: number; owner: string; levels: LevelValue[]; escalated: number; calibration: Calibration }>();
  for (const r of rows) {
    const o = owners.get(r.ownerId) ?? { ownerId: r.ownerId, owner: r.owner, levels: [], escalated: 0, calibration: emptyCalibration() };
    o.levels.push(r.level);
    if (r.escalated) o.escalated += 1;
    for (const k of CALIBRATION) o.calibration[k] += r.calibration[k];
    owners.set(r.ownerId, o);
  }
  return { projects: rows, owners: [...owners.values()].sort((a, b) => a.owner.localeCompare(b.owner)), policy };
}
