import type { Executor } from '../app/utils/db.server';
import type { HealthValue } from '../db/database';

// Builders for tests. The ones the demo seed also uses live in db/factories.ts (the server ships the seed, and
// no test code may); they are re-exported here so tests import every builder from one place.
export { addMember, createForum, createGoal, createMeeting, createProject, createUser } from '../db/factories';

export async function createStatus(
  db: Executor,
  {
    projectId,
    meetingId,
    authorId,
    health = 'on_track',
    summary = '',
    createdAt = new Date(),
  }: {
    projectId: number;
    meetingId: number;
    authorId: number;
    health?: HealthValue;
    summary?: string;
    createdAt?: Date;
  },
) {
  return db
    .insertInto('status_updates')
    .values({
      project_id: projectId,
      meeting_id: meetingId,
      author_id: authorId,
      health,
      summary,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export async function createReview(
  db: Executor,
  {
    meetingId,
    projectId,
    reviewerId,
    verdict = 'on_track',
    selfReport = 'on_track',
  }: { meetingId: number; projectId: number; reviewerId: number; verdict?: HealthValue; selfReport?: HealthValue },
) {
  return db
    .insertInto('reviews')
    .values({ meeting_id: meetingId, project_id: projectId, reviewer_id: reviewerId, verdict, self_report: selfReport })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}
