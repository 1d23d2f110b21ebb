import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fc } from '@fast-check/vitest';
import { sql } from 'kysely';
import { expect } from 'vitest';
import {
  findOversightDrift,
  loadPolicyVersions,
  recordOversightEvents,
  replayWithPolicyVersions,
  type OversightInput,
} from '../../app/modules/oversight/oversight.server';
import { getPolicySettings, savePolicyVersion } from '../../app/modules/oversight/policy-versions.server';
import { DEFAULT_POLICY, HEALTHS, LEVELS, PolicySchema, type EngineEvent, type Policy } from '../../app/oversight';
import { startMeeting } from '../../app/modules/meetings/agenda.server';
import { closeMeeting } from '../../app/modules/meetings/close.server';
import { recordReview } from '../../app/modules/meetings/reviews.server';
import { createPgliteDatabase, migrateToLatest } from '../../db/client';
import { createMeetingWorld } from './meetings-world';
import { migrations } from '../../db/migrations';
import { Migrator, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { addMember, createForum, createProject, createUser } from '../factories';
import { callRoute, signedInCookie } from './owners-world';
import { loader as layoutLoader } from '../../app/routes/forums.$slug.settings';
import { loader as generalLoader } from '../../app/routes/forums.$slug.settings._index';
import { action as policyAction, loader as policyLoader } from '../../app/routes/forums.$slug.settings.policy';
import { getOversightOverview } from '../../app/modules/oversight/oversight-page.server';
import { policyFormValues } from '../../app/modules/oversight/policy-settings';
import { dbTest as test } from '../setup/test-db';

// Issue #15: every event records the policy version it was applied under; replay and verify use it.

const sorted = (n: number, min: number, max: number) =>
  fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n }).map((a) => [...a].sort((x, y) => x - y));
const belowTrusted = fc.constantFrom('tight' as const, 'standard' as const, 'light' as const);
const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    intervals: sorted(4, 1, 10),
    streaks: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
    windowSize: fc.integer({ min: 1, max: 8 }),
    windowLimit: fc.integer({ min: 1, max: 6 }),
    points: sorted(3, 0, 4),
    pointsMissed: fc.integer({ min: 0, max: 4 }),
    hardMissCeiling: belowTrusted,
    escalationMisses: fc.integer({ min: 1, max: 6 }),
    attention: sorted(2, 1, 6),
    pulledInterval: fc.integer({ min: 1, max: 6 }),
  })
  .map((r) =>
    PolicySchema.parse({
      ...DEFAULT_POLICY,
      intervalTight: r.intervals[0],
      intervalStandard: r.intervals[1],
      intervalLight: r.intervals[2],
      intervalTrusted: r.intervals[3],
      loosenStreakTight: r.streaks[0],
      loosenStreakStandard: r.streaks[1],
      loosenStreakLight: r.streaks[2],
      windowSize: r.windowSize,
      windowLimit: r.windowLimit,
      pointsHonestOff: r.points[0],
      pointsSoftMiss: r.points[1],
      pointsHardMiss: r.points[2],
      pointsMissed: r.pointsMissed,
      hardMissCeiling: r.hardMissCeiling,
      escalationMisses: r.escalationMisses,
      attentionOffTrackInterval: r.attention[0],
      attentionAtRiskInterval: r.attention[1],
      pulledInterval: r.pulledInterval,
    }),
  );

const health = fc.constantFrom(...HEALTHS);
const verdict = fc.oneof({ weight: 5, arbitrary: fc.constant('on_track' as const) }, { weight: 2, arbitrary: health });
const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant('review' as const), verdict, selfReport: health }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('status' as const), health }) },
  { weight: 2, arbitrary: fc.constant({ type: 'missed' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('override' as const),
      level: fc.constantFrom(...LEVELS),
      reason: fc.constant('plan agreed'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'spillover' as const }) },
);
type Op = { kind: 'policy'; policy: Policy } | { kind: 'events'; project: 0 | 1; events: EngineEvent[] };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: policyArb.map((policy) => ({ kind: 'policy' as const, policy })) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('events' as const),
      project: fc.constantFrom(0 as const, 1 as const),
      events: fc.array(eventArb, { minLength: 1, maxLength: 4 }),
    }),
  },
);

test('property: after any sequence of policy changes interleaved with events, replaying each event under its version reproduces the stored states', async ({
  db,
}) => {
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const owner = await createUser(db, { passwordHash: 'x', name: 'Owner' });
  let changedAny = false;
  let differsFromCurrentOnly = false;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
      const forum = await createForum(db);
      const projects = [
        await createProject(db, { forumId: forum.id, ownerId: owner.id }),
        await createProject(db, { forumId: forum.id, ownerId: owner.id }),
      ];
      for (const p of projects)
        await recordOversightEvents(db, {
          projectId: p.id,
          inputs: [{ event: { type: 'start', level: 'standard', reason: 'Starts at Standard' } }],
        });
      let version = 1;
      let current: Policy = DEFAULT_POLICY;
      for (const op of ops) {
        if (op.kind === 'policy') {
          const saved = await savePolicyVersion(db, {
            forumId: forum.id,
            actorId: chair.id,
            baseVersion: version,
            policy: op.policy,
            reason: 'tuning',
          });
          const same = JSON.stringify(op.policy) === JSON.stringify(current);
          expect(saved.ok).toBe(!same); // saving the same values is refused, nothing else is
          if (saved.ok) {
            version = saved.value.number;
            current = op.policy;
            changedAny = true;
          }
        } else {
          const inputs: OversightInput[] = op.events.map((event) => ({ event }));
          await recordOversightEvents(db, { projectId: projects[op.project].id, inputs });
        }
      }
      const versions = (await loadPolicyVersions(db, { forumId: forum.id })).get(forum.id)!;
      expect([...versions.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      for (const p of projects) {
        const events = await db
          .selectFrom('oversight_events')
          .select(['type', 'payload', 'policy_version', 'to_level', 'rule', 'explanation'])
          .where('project_id', '=', p.id)
          .orderBy('seq')
          .execute();
        const stored = await db
          .selectFrom('projects')
          .select(['oversight_state', 'oversight_level', 'oversight_interval', 'oversight_escalated'])
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow();
        const states = replayWithPolicyVersions(events, versions);
        // Every event, not only the last, is what the engine said under the version in force.
        expect(states.map((s) => [s.level, s.rule, s.explanation])).toEqual(
          events.map((e) => [e.to_level, e.rule, e.explanation]),
        );
        expect(states.at(-1)).toEqual(stored.oversight_state);
        expect({
          level: states.at(-1)!.level,
          interval: states.at(-1)!.interval,
          escalated: states.at(-1)!.escalated,
        }).toEqual({
          level: stored.oversight_level,
          interval: stored.oversight_interval,
          escalated: stored.oversight_escalated,
        });
        const underCurrent = replayWithPolicyVersions(events, () => current);
        if (JSON.stringify(underCurrent.at(-1)) !== JSON.stringify(states.at(-1))) differsFromCurrentOnly = true;
      }
    }),
    { numRuns: 15 },
  );
  // The property is not vacuous: policies did change, and replaying under the current policy alone would have been wrong.
  expect(changedAny).toBe(true);
  expect(differsFromCurrentOnly).toBe(true);
  expect(await findOversightDrift(db)).toEqual([]);
}, 240_000);

test('a policy change never rewrites history: earlier events keep their version, new events follow the new one, current states carry over', async ({
  db,
}) => {
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair Person' });
  const forum = await createForum(db);
  const project = await createProject(db, { forumId: forum.id, ownerId: chair.id });
  const onTrack = { type: 'review', verdict: 'on_track', selfReport: 'on_track' } as const;
  await recordOversightEvents(db, {
    projectId: project.id,
    inputs: [{ event: { type: 'start', level: 'standard', reason: 'Starts' } }, { event: onTrack }, { event: onTrack }],
  });
  const before = await db
    .selectFrom('oversight_events')
    .selectAll()
    .where('project_id', '=', project.id)
    .orderBy('seq')
    .execute();
  const cached = await db
    .selectFrom('projects')
    .select(['oversight_state', 'oversight_interval'])
    .where('id', '=', project.id)
    .executeTakeFirstOrThrow();

  const saved = await savePolicyVersion(db, {
    forumId: forum.id,
    actorId: chair.id,
    baseVersion: 1,
    policy: { ...DEFAULT_POLICY, loosenStreakStandard: 3, intervalStandard: 3, intervalLight: 5 },
    reason: 'Faster trust',
  });
  expect(saved).toMatchObject({ ok: true, value: { number: 2 } });
  expect(saved.ok && saved.value.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual([
    'Standard: review every: 2 meetings → 3 meetings',
    'Light: review every: 4 meetings → 5 meetings',
    'Standard → Light after: 4 on-track reviews → 3 on-track reviews',
  ]);
  // Nothing stored before the change moved (decision 015: no re-evaluation).
  expect(
    await db.selectFrom('oversight_events').selectAll().where('project_id', '=', project.id).orderBy('seq').execute(),
  ).toEqual(before);
  expect(
    await db
      .selectFrom('projects')
      .select(['oversight_state', 'oversight_interval'])
      .where('id', '=', project.id)
      .executeTakeFirstOrThrow(),
  ).toEqual(cached);
  expect(await findOversightDrift(db)).toEqual([]);

  // The third on-track review loosens under version 2 (3 needed), where version 1 needed 4.
  const [state] = await recordOversightEvents(db, { projectId: project.id, inputs: [{ event: onTrack }] });
  expect(state).toMatchObject({ level: 'light', interval: 5, rule: 'loosen' });
  const versions = await db
    .selectFrom('oversight_events')
    .select('policy_version')
    .where('project_id', '=', project.id)
    .orderBy('seq')
    .execute();
  expect(versions.map((v) => v.policy_version)).toEqual([1, 1, 1, 2]);
  expect(await findOversightDrift(db)).toEqual([]);

  // The history: newest first, who, why and what changed.
  const settings = await getPolicySettings(db, { forumId: forum.id });
  expect(settings.current.number).toBe(2);
  expect(settings.versions.map((v) => [v.number, v.author, v.reason, v.changes.length])).toEqual([
    [2, 'Chair Person', 'Faster trust', 3],
    [1, null, 'The policy the forum started with', 0],
  ]);
  expect(
    await db
      .selectFrom('audit_log')
      .select('action')
      .where('forum_id', '=', forum.id)
      .where('action', '=', 'policy.change')
      .execute(),
  ).toHaveLength(1);
});

test('a save over a version the chair has not seen is refused, and so is a save that changes nothing; neither writes', async ({
  db,
}) => {
  const chair = await createUser(db, { passwordHash: 'x' });
  const forum = await createForum(db);
  const first = await savePolicyVersion(db, {
    forumId: forum.id,
    actorId: chair.id,
    baseVersion: 1,
    policy: { ...DEFAULT_POLICY, windowLimit: 3 },
    reason: 'one',
  });
  expect(first.ok).toBe(true);
  const stale = await savePolicyVersion(db, {
    forumId: forum.id,
    actorId: chair.id,
    baseVersion: 1,
    policy: { ...DEFAULT_POLICY, windowLimit: 4 },
    reason: 'two',
  });
  expect(stale).toMatchObject({ ok: false, failure: { status: 409 } });
  const same = await savePolicyVersion(db, {
    forumId: forum.id,
    actorId: chair.id,
    baseVersion: 2,
    policy: { ...DEFAULT_POLICY, windowLimit: 3 },
    reason: 'three',
  });
  expect(same).toMatchObject({ ok: false, failure: { message: expect.stringMatching(/Nothing changed/) } });
  const bad = await savePolicyVersion(db, {
    forumId: forum.id,
    actorId: chair.id,
    baseVersion: 2,
    policy: { ...DEFAULT_POLICY, intervalTight: 9 },
    reason: 'four',
  });
  expect(bad).toMatchObject({ ok: false, failure: { field: 'intervalStandard' } });
  expect((await getPolicySettings(db, { forumId: forum.id })).versions.map((v) => v.number)).toEqual([2, 1]);
});

test('verify names a project whose events name a policy version that is not stored', async ({ db }) => {
  const forum = await createForum(db);
  const owner = await createUser(db, { passwordHash: 'x' });
  const project = await createProject(db, { forumId: forum.id, ownerId: owner.id, name: 'Orphan' });
  await recordOversightEvents(db, {
    projectId: project.id,
    inputs: [{ event: { type: 'start', level: 'standard', reason: 'Starts' } }],
  });
  await db.updateTable('oversight_events').set({ policy_version: 7 }).where('project_id', '=', project.id).execute();
  const drift = await findOversightDrift(db);
  expect(drift).toHaveLength(1);
  expect(drift[0]).toMatchObject({
    name: 'Orphan',
    replayed: null,
    problem: expect.stringMatching(/policy version 7/),
  });
});

test('the migration gives every existing forum version 1 from its stored policy (the defaults when it was invalid) and every event version 1', async () => {
  const handle = await createPgliteDatabase();
  try {
    const db = handle.db as Kysely<Database>;
    const names = Object.keys(migrations).sort();
    const mine = names.indexOf('20261203T1200-policy-versions');
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo(names[mine - 1]);
    expect(before.error).toBeUndefined();
    await sql`INSERT INTO users (email, name, password_hash) VALUES ('o@x.test', 'O', 'x')`.execute(db);
    await sql`INSERT INTO forums (slug, name, policy) VALUES ('partial', 'Partial', '{"windowLimit": 3}'), ('broken', 'Broken', '{"intervalTight": 99}')`.execute(
      db,
    );
    await sql`INSERT INTO projects (forum_id, owner_id, name) SELECT id, (SELECT id FROM users), 'P' FROM forums WHERE slug = 'partial'`.execute(
      db,
    );
    await sql`INSERT INTO oversight_events (project_id, seq, type, payload, from_level, to_level, rule, event_class, explanation)
      SELECT id, 1, 'start', '{"type":"start","level":"standard","reason":"x"}', 'standard', 'standard', 'start', 'RESTART', 'Starts' FROM projects`.execute(
      db,
    );
    const after = await migrator.migrateToLatest();
    expect(after.error).toBeUndefined();

    const rows = await db
      .selectFrom('policy_versions as v')
      .innerJoin('forums as f', 'f.id', 'v.forum_id')
      .select(['f.slug', 'v.number', 'v.values', 'v.reason', 'f.policy', 'f.policy_version'])
      .orderBy('f.slug')
      .execute();
    expect(rows.map((r) => [r.slug, r.number, r.policy_version])).toEqual([
      ['broken', 1, 1],
      ['partial', 1, 1],
    ]);
    expect(rows[1].values).toEqual({ ...DEFAULT_POLICY, windowLimit: 3 });
    expect(rows[1].policy).toEqual({ ...DEFAULT_POLICY, windowLimit: 3 }); // stored whole from now on
    expect(rows[0].values).toEqual(DEFAULT_POLICY); // what the engine applied
    expect(rows[0].reason).toMatch(/failed validation/);
    expect(rows[0].policy).toEqual({ intervalTight: 99 }); // left as stored: the settings page still reports it
    expect(
      (await db.selectFrom('oversight_events').select('policy_version').execute()).map((e) => e.policy_version),
    ).toEqual([1]);
  } finally {
    await handle.close();
  }
}, 180_000); // a fresh database migrated twice: slow on a loaded machine

// `npm run oversight -- verify`, run as an operator would, on a forum whose policy changed between two closes.
function runOversightCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { DATABASE_URL: _d, DATA_DIR: _dd, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/oversight.ts', ...args], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('oversight verify is clean after a policy change: events before it replay under version 1, the close after it under version 2', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-verify-'));
  try {
    const handle = await createPgliteDatabase(dataDir);
    try {
      await migrateToLatest(handle.db);
      const db = handle.db;
      const w = await createMeetingWorld(db);
      const base = { forumId: w.forum.id, meetingId: w.coming.id };
      // Tighter: one miss point drops a level, and Standard is reviewed every 3 meetings.
      const saved = await savePolicyVersion(db, {
        forumId: w.forum.id,
        actorId: w.users.chair.id,
        baseVersion: 1,
        policy: { ...DEFAULT_POLICY, windowLimit: 1, intervalStandard: 3, intervalLight: 5, intervalTrusted: 9 },
        reason: 'Tighter after the audit',
      });
      expect(saved.ok).toBe(true);
      expect((await startMeeting(db, { ...base, actorId: w.users.chair.id })).ok).toBe(true);
      expect(
        (
          await recordReview(db, {
            ...base,
            projectId: w.projects.due.id,
            actorId: w.users.chair.id,
            verdict: 'at_risk',
            feedback: '',
            version: 0,
          })
        ).ok,
      ).toBe(true);
      expect((await closeMeeting(db, { ...base, actorId: w.users.chair.id })).ok).toBe(true);
      const versions = await db.selectFrom('oversight_events').select(['policy_version', 'meeting_id']).execute();
      expect(versions.filter((e) => e.meeting_id === w.coming.id).every((e) => e.policy_version === 2)).toBe(true);
      expect(versions.filter((e) => e.meeting_id !== w.coming.id).every((e) => e.policy_version === 1)).toBe(true);
      expect(versions.some((e) => e.meeting_id === w.coming.id)).toBe(true);
      // Replaying everything under the policy now in force would not give the stored states: versions matter here.
      const events = await db
        .selectFrom('oversight_events')
        .select(['project_id', 'type', 'payload', 'policy_version'])
        .orderBy('project_id')
        .orderBy('seq')
        .execute();
      const now = (await loadPolicyVersions(db, { forumId: w.forum.id })).get(w.forum.id)!.get(2)!;
      const projects = await db
        .selectFrom('projects')
        .select(['id', 'oversight_state'])
        .where('forum_id', '=', w.forum.id)
        .execute();
      const differs = projects.some(
        (p) =>
          JSON.stringify(
            replayWithPolicyVersions(
              events.filter((e) => e.project_id === p.id),
              () => now,
            ).at(-1),
          ) !== JSON.stringify(p.oversight_state),
      );
      expect(differs).toBe(true);
    } finally {
      await handle.close();
    }
    const verify = await runOversightCli(['verify'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/every project matches the replay of its events/);
    expect(verify.code).toBe(0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);

test('Settings → Oversight policy: every member reads it, only the chair saves; a blank reason is refused next to the field with the typed values kept', async ({
  db,
}) => {
  const forum = await createForum(db, { name: 'Policy Forum' });
  const cookies = {} as Record<'chair' | 'leader' | 'owner' | 'observer', string>;
  for (const role of ['chair', 'leader', 'owner', 'observer'] as const) {
    const user = await createUser(db, { passwordHash: 'x', name: role });
    await addMember(db, { forumId: forum.id, userId: user.id, role });
    cookies[role] = await signedInCookie(db, user.id);
  }
  const params = { slug: forum.slug };
  const path = `/forums/${forum.slug}/settings/policy`;
  for (const role of ['chair', 'leader', 'owner', 'observer'] as const) {
    expect((await callRoute(layoutLoader, { path, cookie: cookies[role], params })).status, role).toBe(200);
    const page = await callRoute(policyLoader, { path, cookie: cookies[role], params });
    expect(page.status, role).toBe(200);
    expect(((await page.json()) as { canEdit: boolean }).canEdit).toBe(role === 'chair');
  }
  // The other tabs keep their guards: owners and observers still get 403 there.
  expect(
    (await callRoute(generalLoader, { path: `/forums/${forum.slug}/settings`, cookie: cookies.owner, params })).status,
  ).toBe(403);
  expect(
    (await callRoute(generalLoader, { path: `/forums/${forum.slug}/settings`, cookie: cookies.leader, params })).status,
  ).toBe(200);

  const form = {
    intent: 'save',
    baseVersion: '1',
    reason: ' ',
    ...policyFormValues(DEFAULT_POLICY),
    loosenStreakStandard: '3',
  };
  for (const role of ['leader', 'owner', 'observer'] as const)
    expect((await callRoute(policyAction, { path, cookie: cookies[role], params, form })).status, role).toBe(403);
  const blank = await callRoute(policyAction, { path, cookie: cookies.chair, params, form });
  expect(blank.status).toBe(400);
  const refused = (await blank.json()) as { fieldErrors: Record<string, string[]>; values: Record<string, string> };
  expect(refused.fieldErrors.reason?.[0]).toMatch(/Say why/);
  expect(refused.values.loosenStreakStandard).toBe('3');

  const ok = await callRoute(policyAction, {
    path,
    cookie: cookies.chair,
    params,
    form: { ...form, reason: 'Trust faster' },
  });
  expect(ok.status).toBe(303);
  expect(ok.headers.get('Location')).toBe(`${path}?saved=2`);
  const after = (await (await callRoute(policyLoader, { path, cookie: cookies.owner, params })).json()) as {
    current: { number: number };
    versions: { number: number; reason: string; changes: { label: string; from: string; to: string }[] }[];
  };
  expect(after.current.number).toBe(2);
  expect(after.versions[0]).toMatchObject({
    number: 2,
    reason: 'Trust faster',
    changes: [{ label: 'Standard → Light after', from: '4 on-track reviews', to: '3 on-track reviews' }],
  });
  // The oversight page says the new value in words.
  const overview = await getOversightOverview(db, { forumId: forum.id });
  expect(overview.policyInForce.version).toBe(2);
  expect(overview.policyInForce.sections.flatMap((s) => s.sentences)).toContain(
    'Standard → Light after 3 on-track reviews in a row.',
  );
});
