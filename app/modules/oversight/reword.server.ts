import { writeAudit } from '~/modules/audit/audit.server';
import { initialState, step, type EngineEvent, type Level, type OversightState } from '~/oversight';
import { inTransaction, type Executor } from '~/utils/db.server';
import { loadPolicyVersions } from './oversight.server';

export interface RewordResult {
  /** Events whose explanation was re-worded. */
  events: number;
  projects: number;
  /** Projects left as written: their replay does not give the stored levels and rules (see `oversight verify`). */
  skipped: number[];
}

/**
 * Re-words stored explanations with the engine's current sentences, by a replay of each project's events: only
 * the words change (a project whose replay disagrees with a stored level or rule is left as written), so the
 * history says the same thing in today's plain words. One transaction, audit-logged.
 */
export async function rewordStoredExplanations(db: Executor): Promise<RewordResult> {
  return inTransaction(db, async (trx) => {
    const projects = await trx
      .selectFrom('projects')
      .select(['projects.id', 'projects.forum_id', 'projects.oversight_state'])
      .orderBy('projects.id')
      .execute();
    const events = await trx
      .selectFrom('oversight_events')
      .select(['id', 'project_id', 'type', 'payload', 'rule', 'to_level', 'explanation', 'policy_version'])
      .orderBy('project_id')
      .orderBy('seq')
      .execute();
    // Each event in the words of the policy version it was applied under (issue #15).
    const versions = await loadPolicyVersions(trx);
    const byProject = new Map<number, typeof events>();
    for (const e of events) byProject.set(e.project_id, [...(byProject.get(e.project_id) ?? []), e]);
    const result: RewordResult = { events: 0, projects: 0, skipped: [] };
    for (const p of projects) {
      const list = byProject.get(p.id) ?? [];
      const forumVersions = versions.get(p.forum_id);
      let state: OversightState | null = null;
      const changes: { id: number; explanation: string }[] = [];
      let agrees = true;
      for (const e of list) {
        const policy = forumVersions?.get(e.policy_version);
        if (!policy) {
          agrees = false;
          break;
        }
        // As replayStoredEvents does; a start's explanation is the starting rule's reason, kept as written.
        if (e.type === 'start') {
          state = {
            ...initialState((e.payload as { level: Level }).level, policy),
            rule: 'start',
            explanation: e.explanation,
          };
          continue;
        }
        state = step(
          state ?? { ...initialState('standard', policy), rule: 'start', explanation: 'Starting level' },
          e.payload as EngineEvent,
          policy,
        );
        if (state.rule !== e.rule || state.level !== e.to_level) {
          agrees = false;
          break;
        }
        if (state.explanation !== e.explanation) changes.push({ id: e.id, explanation: state.explanation });
      }
      if (!agrees) {
        result.skipped.push(p.id);
        continue;
      }
      if (changes.length === 0) continue;
      for (const c of changes)
        await trx.updateTable('oversight_events').set({ explanation: c.explanation }).where('id', '=', c.id).execute();
      const cached = p.oversight_state;
      if (state && cached) {
        await trx
          .updateTable('projects')
          .set({
            oversight_explanation: state.explanation,
            oversight_state: JSON.stringify({ ...cached, explanation: state.explanation }),
          })
          .where('id', '=', p.id)
          .execute();
      }
      result.events += changes.length;
      result.projects += 1;
    }
    await writeAudit(trx, { userId: null, action: 'oversight.reword', detail: { ...result } });
    return result;
  });
}
