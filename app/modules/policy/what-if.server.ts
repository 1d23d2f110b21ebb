import { sql } from 'kysely';
import type { Policy } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { loadPolicyVersions, resolvePolicy } from '~/modules/oversight/oversight.server';
import {
  previewHistory,
  type ForumHistory,
  type HistoryEvent,
  type PolicyPreview,
  type ProjectHistory,
} from './what-if';

export { simulate, comparePreview, previewHistory, WHAT_IF_MODEL } from './what-if';
export type { ForumHistory, PolicyPreview, ProjectChange } from './what-if';

/** The events are read in this many parts at once (by project id): on PostgreSQL each part runs on its own connection. */
const EVENT_PARTS = [0, 1];

/**
 * One row per project: its events in recorded order, encoded as `type:version:meeting:@at:a:b;…` with only the payload
 * fields the engine reads (a few hundred short strings to decode instead of a row and a JSON object per event).
 * Every encoded value is a fixed word or a number; free text (reasons, spill-over causes) is read apart.
 */
function encodedEvents(db: Executor, forumId: number, part: number) {
  return db
    .selectFrom('oversight_events as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .select([
      'e.project_id',
      sql<string>`string_agg(concat_ws(':', e.type, e.policy_version, e.meeting_id,
        case when e.meeting_id is null then '@' || (extract(epoch from e.occurred_at) * 1000)::bigint end,
        case e.type when 'review' then (e.payload->>'verdict') || ':' || (e.payload->>'selfReport')
          when 'status' then e.payload->>'health'
          when 'missed' then null when 'spillover' then null
          else e.payload->>'level' end), ';' order by e.seq)`.as('events'),
    ])
    .where('p.forum_id', '=', forumId)
    .where(sql<boolean>`p.id % ${EVENT_PARTS.length} = ${part}`)
    .groupBy('e.project_id')
    .execute();
}

/**
 * A forum's recorded oversight history, in eight set-based queries whatever its size: the forum, its policy versions, its closed
 * meetings, its projects, every oversight event of its projects (in recorded order, in two parts), the free text of a few of
 * them, and the agenda items a leader asked for or pulled.
 */
export async function loadForumHistory(db: Executor, forumId: number): Promise<ForumHistory> {
  const [forum, versions, meetings, projects, texts, asked, ...parts] = await Promise.all([
    db
      .selectFrom('forums')
      .select(['policy', 'minutes_per_review'])
      .where('id', '=', forumId)
      .executeTakeFirstOrThrow(),
    loadPolicyVersions(db, { forumId }),
    db
      .selectFrom('meetings')
      .select(['id', 'scheduled_at', 'closed_at'])
      .where('forum_id', '=', forumId)
      .where('state', '=', 'closed')
      .orderBy('scheduled_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('projects')
      .select(['id', 'name', 'owner_id', 'archived'])
      .where('forum_id', '=', forumId)
      .orderBy('id')
      .execute(),
    // The free text of the few events that have some, in the same order.
    db
      .selectFrom('oversight_events as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select(['e.project_id', sql<string>`coalesce(e.payload->>'reason', e.payload->>'project', '')`.as('text')])
      .where('p.forum_id', '=', forumId)
      .where('e.type', 'in', ['start', 'override', 'restart', 'spillover'])
      .orderBy('e.project_id')
      .orderBy('e.seq')
      .execute(),
    db
      .selectFrom('agenda_items as ai')
      .innerJoin('meetings as m', 'm.id', 'ai.meeting_id')
      .select(['ai.project_id', 'ai.meeting_id'])
      .where('m.forum_id', '=', forumId)
      .where('m.state', '=', 'closed')
      .where((eb) => eb.or([eb('ai.requested_by', 'is not', null), eb('ai.pulled', '=', true)]))
      .execute(),
    ...EVENT_PARTS.map((part) => encodedEvents(db, forumId, part)),
  ]);
  const events = parts.flat();

  const meetingIndex = new Map<number, number>();
  meetings.forEach((m, i) => meetingIndex.set(m.id, i));
  const byId = new Map<number, ProjectHistory>();
  const list: ProjectHistory[] = projects.map((p) => {
    const h: ProjectHistory = { id: p.id, name: p.name, ownerId: p.owner_id, archived: p.archived, events: [] };
    byId.set(p.id, h);
    return h;
  });
  const textsOf = new Map<number, string[]>();
  for (const t of texts) {
    const list = textsOf.get(t.project_id);
    if (list) list.push(t.text);
    else textsOf.set(t.project_id, [t.text]);
  }
  for (const row of events) {
    const project = byId.get(row.project_id);
    if (!project) continue;
    const text = textsOf.get(row.project_id) ?? [];
    let nextText = 0;
    project.events = row.events.split(';').map((encoded): HistoryEvent => {
      const parts = encoded.split(':');
      const type = parts[0] as HistoryEvent['type'];
      const policyVersion = Number(parts[1]);
      let i = 2;
      let meeting: number | null = null;
      let at = 0;
      if (parts[i]?.startsWith('@')) at = Number(parts[i++].slice(1));
      else {
        const id = Number(parts[i++]);
        meeting = meetingIndex.get(id) ?? null;
        // An event of a meeting not closed yet (this cycle's status) comes after every closed meeting.
        if (meeting === null) at = Number.MAX_SAFE_INTEGER;
      }
      const a = parts[i] ?? null;
      const b = parts[i + 1] ?? null;
      const free =
        type === 'start' || type === 'override' || type === 'restart' || type === 'spillover'
          ? (text[nextText++] ?? '')
          : '';
      return { type, payload: payloadOf(type, a, type === 'review' ? b : free), meeting, at, policyVersion };
    });
  }
  return {
    meetings: meetings.map((m) => ({
      id: m.id,
      scheduledAt: new Date(m.scheduled_at).toISOString(),
      closedAt: new Date(m.closed_at ?? m.scheduled_at).getTime(),
    })),
    projects: list,
    leaderAsked: new Set(asked.map((a) => `${a.project_id}:${meetingIndex.get(a.meeting_id) ?? -1}`)),
    minutesPerReview: forum.minutes_per_review,
    actualPolicy: resolvePolicy(forum.policy),
    policyVersions: versions.get(forumId),
  };
}

function payloadOf(type: HistoryEvent['type'], a: string | null, b: string | null): Record<string, unknown> {
  switch (type) {
    case 'review':
      return { verdict: a, selfReport: b };
    case 'status':
      return { health: a };
    case 'start':
    case 'restart':
    case 'override':
      return { level: a, reason: b ?? '' };
    case 'spillover':
      return b ? { project: b } : {};
    default:
      return {};
  }
}

/**
 * The what-if preview (issue #15): the forum's recorded history replayed under `candidate` beside what actually
 * happened, as plain JSON (docs/decisions/016-what-if-preview.md). `candidate` must be a validated policy
 * (PolicySchema / parsePolicy). Nothing is written.
 */
export async function previewPolicy(db: Executor, forumId: number, candidate: Policy): Promise<PolicyPreview> {
  const history = await loadForumHistory(db, forumId);
  return previewHistory(history, candidate);
}
