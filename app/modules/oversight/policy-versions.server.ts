import { writeAudit } from '~/modules/audit/audit.server';
import { ok, refuse, type Result } from '~/utils/result';
import { DEFAULT_POLICY, PolicySchema, type Policy } from '~/oversight';
import { inTransaction, type Executor } from '~/utils/db.server';
import { checkStoredPolicy } from './oversight.server';
import { diffPolicies, type PolicyChange } from './policy-settings';

// A forum's oversight policy versions (issue #15, decision 015). forums.policy holds the values of the version in
// force (forums.policy_version): the engine reads both from one row, and every event stores the version. A save
// adds a version and never touches projects or events: current states carry over, new events follow the new one.

/** Version 1 of a new forum: the defaults (or `policy`), in the transaction that creates the forum. */
export async function createFirstPolicyVersion(
  trx: Executor,
  {
    forumId,
    authorId,
    policy = DEFAULT_POLICY,
    reason = 'The policy the forum started with',
  }: { forumId: number; authorId: number | null; policy?: Policy; reason?: string },
) {
  const values = PolicySchema.parse(policy);
  await trx
    .insertInto('policy_versions')
    .values({ forum_id: forumId, number: 1, values: JSON.stringify(values), author_id: authorId, reason })
    .execute();
  await trx
    .updateTable('forums')
    .set({ policy: JSON.stringify(values), policy_version: 1 })
    .where('id', '=', forumId)
    .execute();
}

export interface PolicyVersionView {
  number: number;
  values: Policy;
  author: string | null;
  reason: string;
  createdAt: Date;
  /** Parameter: old → new, against the previous version (empty for version 1). */
  changes: PolicyChange[];
}

/**
 * The settings page: the policy in force (what the engine applies: a stored policy that fails validation runs
 * on the defaults, and `problems` says so) and every version, newest first, with what it changed. Two queries.
 */
export async function getPolicySettings(db: Executor, { forumId }: { forumId: number }) {
  const [forum, rows] = await Promise.all([
    db.selectFrom('forums').select(['policy', 'policy_version']).where('id', '=', forumId).executeTakeFirstOrThrow(),
    db
      .selectFrom('policy_versions as v')
      .leftJoin('users as u', 'u.id', 'v.author_id')
      .select(['v.number', 'v.values', 'v.reason', 'v.created_at as createdAt', 'u.name as author'])
      .where('v.forum_id', '=', forumId)
      .orderBy('v.number')
      .execute(),
  ]);
  const { policy } = checkStoredPolicy(forum.policy);
  let previous: Policy | null = null;
  const versions: PolicyVersionView[] = rows.map((r) => {
    const values = checkStoredPolicy(r.values).policy;
    const view = {
      number: r.number,
      values,
      author: r.author,
      reason: r.reason,
      createdAt: r.createdAt,
      changes: diffPolicies(previous, values),
    };
    previous = values;
    return view;
  });
  return { current: { number: forum.policy_version, values: policy }, versions: versions.reverse() };
}

/**
 * The chair saves a new version. `baseVersion` is the version the form was opened on: if another save came
 * first, nothing is written (409) so no change is made over one the chair has not seen. One transaction,
 * audit-logged; projects and events are left as they are (decision 015).
 */
export async function savePolicyVersion(
  db: Executor,
  {
    forumId,
    actorId,
    baseVersion,
    policy,
    reason,
    request,
  }: { forumId: number; actorId: number; baseVersion: number; policy: Policy; reason: string; request?: Request },
): Promise<Result<{ number: number; changes: PolicyChange[] }>> {
  const parsed = PolicySchema.safeParse(policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse({ message: issue.message, field: issue.path.map(String).join('.') || undefined });
  }
  const values = parsed.data;
  return inTransaction(db, async (trx) => {
    const forum = await trx
      .selectFrom('forums')
      .select(['policy', 'policy_version'])
      .where('id', '=', forumId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (forum.policy_version !== baseVersion) {
      return refuse({
        status: 409,
        message: `The policy was changed (version ${forum.policy_version}) since you opened this page. Your values are kept below: check the current version in the history, then save again.`,
      });
    }
    const current = checkStoredPolicy(forum.policy);
    const changes = diffPolicies(current.policy, values);
    if (changes.length === 0 && current.problems.length === 0)
      return refuse({ message: 'Nothing changed: change at least one value to save a new version.' });
    const number = forum.policy_version + 1;
    await trx
      .insertInto('policy_versions')
      .values({ forum_id: forumId, number, values: JSON.stringify(values), author_id: actorId, reason })
      .execute();
    await trx
      .updateTable('forums')
      .set({ policy: JSON.stringify(values), policy_version: number })
      .where('id', '=', forumId)
      .execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'policy.change',
      target: `forum:${forumId}`,
      detail: { version: number, reason, changes: changes.map((c) => ({ parameter: c.key, from: c.from, to: c.to })) },
      request,
    });
    return ok({ number, changes });
  });
}
