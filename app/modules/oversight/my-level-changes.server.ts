import type { Executor } from '~/utils/db.server';

/**
 * For an owner's home page: the level changes of their active projects at each forum's latest closed meeting,
 * with the engine's explanation (why). One query.
 */
export async function listMyLatestLevelChanges(db: Executor, { userId }: { userId: number }) {
  return db
    .selectFrom('oversight_events as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .select([
      'e.project_id as projectId',
      'p.name as project',
      'f.slug',
      'f.name as forum',
      'f.time_zone as timeZone',
      'm.id as meetingId',
      'm.scheduled_at as meetingAt',
      'e.from_level as from',
      'e.to_level as to',
      'e.explanation',
    ])
    .where('p.owner_id', '=', userId)
    .where('p.archived', '=', false)
    .whereRef('e.from_level', '!=', 'e.to_level')
    .where('m.id', '=', (eb) =>
      eb
        .selectFrom('meetings as lm')
        .select('lm.id')
        .whereRef('lm.forum_id', '=', 'p.forum_id')
        .where('lm.state', '=', 'closed')
        .orderBy('lm.scheduled_at', 'desc')
        .limit(1),
    )
    .orderBy('f.name')
    .orderBy('p.name')
    .orderBy('e.seq')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, meetingAt: new Date(r.meetingAt) })));
}

export type MyLevelChange = Awaited<ReturnType<typeof listMyLatestLevelChanges>>[number];
