import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { DEFAULT_POLICY, type Policy } from '../../app/oversight';
import { loadForumHistory, previewPolicy, simulate } from '../../app/modules/policy/what-if.server';
import { countingQueries } from '../setup/count-queries';
import { dbTest as test } from '../setup/test-db';
import { recordWorld, recordedVerdicts, sampleWorld } from './what-if-world';

const EVERY_MEETING: Policy = { ...DEFAULT_POLICY, intervalStandard: 1, intervalLight: 1, intervalTrusted: 1 };
// Recording a forum's history meeting by meeting takes a while on a busy machine: no timing is asserted.
const LOOSER: Policy = {
  ...DEFAULT_POLICY,
  intervalStandard: 4,
  intervalLight: 8,
  intervalTrusted: 12,
  loosenStreakStandard: 2,
  loosenStreakLight: 2,
};

const stored = async (db: Kysely<Database>, forumId: number) =>
  new Map(
    (
      await db
        .selectFrom('projects')
        .select(['id', 'name', 'oversight_level', 'oversight_interval', 'oversight_escalated'])
        .where('forum_id', '=', forumId)
        .execute()
    ).map((p) => [
      p.name,
      { level: p.oversight_level, interval: p.oversight_interval, escalated: p.oversight_escalated },
    ]),
  );

test(
  'the preview of the policy in force reproduces the stored states, in eight set-based queries',
  { timeout: 180_000 },
  async ({ db }) => {
    const spec = sampleWorld();
    const world = await recordWorld(db, { spec, policy: {}, verdictOf: (p, m) => spec.projects[p].truth[m] });
    const counting = countingQueries(db as unknown as Kysely<Database>);
    const preview = await previewPolicy(counting.db, world.forum.id, DEFAULT_POLICY);
    expect(counting.count()).toBe(8);

    const states = await stored(db as unknown as Kysely<Database>, world.forum.id);
    const { actual, candidate } = simulate(await loadForumHistory(db, world.forum.id), DEFAULT_POLICY);
    for (const p of world.projects) {
      const s = states.get(p.name)!;
      for (const outcome of [actual, candidate]) {
        const r = outcome.states.get(p.id)!;
        expect({ level: r.level, interval: r.interval, escalated: r.escalated }, p.name).toEqual(s);
      }
    }
    expect(preview.looser).toEqual([]);
    expect(preview.tighter).toEqual([]);
    expect(preview.levels.map((l) => l.actual)).toEqual(preview.levels.map((l) => l.candidate));
    expect(preview.loadTotals.candidate).toEqual(preview.loadTotals.actual);
    const reviews = await db
      .selectFrom('reviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'project_id',
        'in',
        world.projects.map((p) => p.id),
      )
      .executeTakeFirstOrThrow();
    expect(preview.load.reduce((s, l) => s + l.actual.reviews, 0)).toBeLessThanOrEqual(Number(reviews.n)); // the last 12 of 16 meetings
    expect(preview.load).toHaveLength(12);
    expect(preview.latency.found).toBeGreaterThan(0);
    expect(preview.latency.same).toBe(preview.latency.found);
    expect(preview.minutesPerReview).toBe(12);
    expect(preview.model).toMatch(/counterfactual/);
  },
);

test(
  'applying a candidate yields exactly what its preview showed (recorded under it from the start, no review skipped)',
  { timeout: 180_000 },
  async ({ db }) => {
    const spec = sampleWorld();
    const first = await recordWorld(db, { spec, policy: {}, verdictOf: (p, m) => spec.projects[p].truth[m] });
    const { candidate } = simulate(await loadForumHistory(db, first.forum.id), EVERY_MEETING);
    expect(candidate.skipped).toBe(0);
    expect(candidate.added).toBeGreaterThan(0);

    // The same owners' statuses in a forum run under the candidate from the start: where the first forum held a
    // review its verdict stands; the extra reviews find what the self-report said (the model's assumption).
    const verdicts = await recordedVerdicts(db, first);
    const second = await recordWorld(db, {
      spec,
      policy: { intervalStandard: 1, intervalLight: 1, intervalTrusted: 1 },
      verdictOf: (p, m, selfReport) => verdicts.get(`${p}:${m}`) ?? selfReport,
    });
    const applied = await stored(db as unknown as Kysely<Database>, second.forum.id);
    for (const p of first.projects) {
      const c = candidate.states.get(p.id)!;
      expect({ level: c.level, interval: c.interval, escalated: c.escalated }, p.name).toEqual(applied.get(p.name));
    }
    const preview = await previewPolicy(db, first.forum.id, EVERY_MEETING);
    const levels = new Map(preview.levels.map((l) => [l.level, l.candidate]));
    for (const level of ['tight', 'standard', 'light', 'trusted'] as const) {
      expect(levels.get(level)).toBe([...applied.values()].filter((s) => s.level === level).length);
    }
    // Every project every meeting: 4 reviews at each of the last 12 meetings.
    expect(preview.load.every((l) => l.candidate.reviews === 4)).toBe(true);
    expect(preview.loadTotals.candidate.hours).toBe((48 * 12) / 60);
  },
);

test(
  'a looser candidate skips recorded reviews, moves their findings and names the projects it would loosen',
  { timeout: 180_000 },
  async ({ db }) => {
    const spec = sampleWorld();
    const world = await recordWorld(db, { spec, policy: {}, verdictOf: (p, m) => spec.projects[p].truth[m] });
    const preview = await previewPolicy(db, world.forum.id, LOOSER);
    expect(preview.loadTotals.candidate.reviews).toBeLessThan(preview.loadTotals.actual.reviews);
    expect(preview.reviewChanges.skipped).toBeGreaterThan(0);
    expect(preview.latency.later + preview.latency.notFound).toBeGreaterThan(0);
    for (const item of preview.latency.items) expect(item.candidate === null || item.candidate > 0).toBe(true);
    for (const change of [...preview.looser, ...preview.tighter]) expect(change.why).not.toBe('');
    expect(preview.looser.length).toBeGreaterThan(0);
  },
);
