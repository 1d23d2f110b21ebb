import type { LevelValue } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { recordOversightEvents } from '~/modules/oversight/oversight.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { ok, refuse, type Result } from '~/utils/result';
import { lockMeeting } from './meetings.server';

/**
 * A chair or leader overrides the level of a project on a meeting's agenda, during the meeting (an escalated
 * project's corrective plan is agreed there): the override event carries the meeting, and is audit-logged with it.
 */
export async function overrideInMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    projectId,
    level,
    reason,
    actorId,
    request,
  }: {
    forumId: number;
    meetingId: number;
    projectId: number;
    level: LevelValue;
    reason: string;
    actorId: number;
    request?: Request;
  },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'share' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state !== 'in_progress')
      return refuse({ status: 409, message: 'Overrides are recorded here while the meeting is in progress.' });
    const onAgenda = await trx
      .selectFrom('agenda_items as ai')
      .innerJoin('projects as p', 'p.id', 'ai.project_id')
      .select('p.id')
      .where('ai.meeting_id', '=', meeting.id)
      .where('ai.project_id', '=', projectId)
      .where('p.forum_id', '=', forumId)
      .where('p.archived', '=', false)
      .executeTakeFirst();
    if (!onAgenda) return refuse({ field: 'projectId', message: 'Choose a project on this meeting’s agenda.' });
    const [state] = await recordOversightEvents(trx, {
      projectId,
      inputs: [{ event: { type: 'override', level, reason }, actorId, meetingId: meeting.id }],
    });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'oversight.override',
      target: `project:${projectId}`,
      detail: { from: state.previousLevel, to: state.level, reason, meetingId: meeting.id },
      request,
    });
    return ok();
  });
}
