import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { recordOversightEvents } from './oversight.server';
import type { OverrideInput } from './override';

/** Records an override event (level, reason, actor) through the engine and audit-logs it, in one transaction. */
export async function overrideOversightLevel(
  db: Executor,
  {
    projectId,
    forumId,
    userId,
    input,
    request,
  }: { projectId: number; forumId: number; userId: number; input: Omit<OverrideInput, 'intent'>; request?: Request },
) {
  return inTransaction(db, async (trx) => {
    const [state] = await recordOversightEvents(trx, {
      projectId,
      inputs: [{ event: { type: 'override', level: input.level, reason: input.reason }, actorId: userId }],
    });
    await writeAudit(trx, {
      userId,
      forumId,
      action: 'oversight.override',
      target: `project:${projectId}`,
      detail: { from: state.previousLevel, to: state.level, reason: input.reason },
      request,
    });
    return state;
  });
}
