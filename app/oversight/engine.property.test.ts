import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  DEFAULT_POLICY,
  EngineEventSchema,
  HEALTHS,
  LEVELS,
  PolicySchema,
  initialState,
  intervalFor,
  levelIndex,
  replay,
  startingLevel,
  step,
  type EngineEvent,
  type Health,
  type Level,
  type OversightState,
  type Policy,
} from './index';

const RUNS = { numRuns: 1000 };
const PLAIN_WORDS_FORBIDDEN =
  /\bpoints?\b|\w_\w|\bspillover\b|\bhold\b|\bloosen\b|\b(PASS|FLAG|MISSED|STATUS|OVERRIDE|SPILLOVER|RESTART|REJECTED)\b/;

const levelArb = fc.constantFrom<Level>(...LEVELS);
const healthArb = fc.constantFrom<Health>(...HEALTHS);
// Verdicts lean on track so that histories reach Light and Trusted, where most rules interact.
const verdictArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Health>('on_track') },
  { weight: 2, arbitrary: fc.constant<Health>('at_risk') },
  { weight: 1, arbitrary: fc.constant<Health>('off_track') },
);
const reviewArb = fc.record({ type: fc.constant('review' as const), verdict: verdictArb, selfReport: healthArb });
const reasonArb = fc.constantFrom('', ' ', '\t', 'corrective plan', ' agreed with the chair ');
const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
  { weight: 8, arbitrary: reviewArb },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('status' as const), health: healthArb }) },
  { weight: 2, arbitrary: fc.constant({ type: 'missed' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('override' as const), level: levelArb, reason: reasonArb }) },
  { weight: 1, arbitrary: fc.constant({ type: 'spillover' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('restart' as const), level: levelArb, reason: reasonArb }) },
);
// Mostly on-track reviews with spill-overs and flags: reaches Trusted often, where spill-over interacts with streaks.
const trustingEventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('review' as const),
      verdict: fc.constant<Health>('on_track'),
      selfReport: healthArb,
    }),
  },
  { weight: 2, arbitrary: reviewArb },
  { weight: 2, arbitrary: fc.constant({ type: 'spillover' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('status' as const), health: healthArb }) },
);
const historyArb = fc.oneof(fc.array(eventArb, { maxLength: 80 }), fc.array(trustingEventArb, { maxLength: 40 }));

/** Any policy a chair could save (valid by construction, and checked by the schema). */
const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    intervals: fc
      .array(fc.integer({ min: 1, max: 52 }), { minLength: 4, maxLength: 4 })
      .map((xs) => [...xs].sort((a, b) => a - b)),
    streaks: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 3, maxLength: 3 }),
    windowSize: fc.integer({ min: 1, max: 20 }),
    windowLimit: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 100 })),
    points: fc
      .array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 })
      .map((xs) => [...xs].sort((a, b) => a - b)),
    pointsMissed: fc.integer({ min: 0, max: 5 }),
    hardMissCeiling: fc.constantFrom('tight', 'standard', 'light' as const),
    escalationMisses: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 20 })),
    attention: fc
      .array(fc.integer({ min: 1, max: 52 }), { minLength: 2, maxLength: 2 })
      .map((xs) => [...xs].sort((a, b) => a - b)),
    pulledInterval: fc.integer({ min: 1, max: 52 }),
    starts: fc.array(fc.constantFrom('tight', 'standard', 'light' as const), { minLength: 3, maxLength: 3 }),
    hardMissLookback: fc.integer({ min: 0, max: 50 }),
  })
  .map((r) =>
    PolicySchema.parse({
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
      firstProjectLevel: r.starts[0],
      newProjectMaxLevel: r.starts[1],
      hardMissStartLevel: r.starts[2],
      hardMissLookback: r.hardMissLookback,
    }),
  );
const anyPolicyArb = fc.oneof(fc.constant(DEFAULT_POLICY), policyArb);

const idx = levelIndex;
const worse = (h: Health, by: number): Health => HEALTHS[Math.min(2, HEALTHS.indexOf(h) + by)];

function expectWellFormed(states: OversightState[], start: Level, policy: Policy) {
  let prev = start;
  for (const s of states) {
    expect(LEVELS).toContain(s.level);
    expect(s.previousLevel).toBe(prev);
    expect(s.changed).toBe(s.level !== prev);
    expect(s.baseInterval).toBe(intervalFor(s.level, policy));
    expect(Number.isInteger(s.interval)).toBe(true);
    expect(s.interval).toBeGreaterThanOrEqual(1);
    expect(s.interval).toBeLessThanOrEqual(s.baseInterval);
    expect(s.interval).toBeLessThanOrEqual(52);
    expect(s.streak).toBeGreaterThanOrEqual(0);
    expect(s.window.length).toBeLessThanOrEqual(policy.windowSize);
    if (s.escalated) expect(s.level).toBe('tight');
    expect(s.explanation.trim().length).toBeGreaterThan(0);
    // Plain words (issue #21): no internal rule or class ids, no "points".
    expect(s.explanation).not.toMatch(PLAIN_WORDS_FORBIDDEN);
    expect(s.rule.length).toBeGreaterThan(0);
    prev = s.level;
  }
}

describe('oversight engine invariants (DESIGN §3)', () => {
  test.prop([levelArb, historyArb], RUNS)(
    'levels and intervals stay in range; every state is explained; escalation only at Tight',
    (start, events) => {
      expectWellFormed(replay(events, { start }), start, DEFAULT_POLICY);
    },
  );

  test.prop([levelArb, historyArb, policyArb], RUNS)('... under any valid policy too', (start, events, policy) => {
    expectWellFormed(replay(events, { start, policy }), start, policy);
  });

  test.prop(
    [
      levelArb,
      fc.array(
        fc.oneof(
          fc.record({
            type: fc.constant('review' as const),
            verdict: fc.constant<Health>('on_track'),
            selfReport: healthArb,
          }),
          fc.record({ type: fc.constant('status' as const), health: healthArb }),
        ),
        { maxLength: 80 },
      ),
      anyPolicyArb,
    ],
    RUNS,
  )('a history of only on-track verdicts (and status posts) never tightens', (start, events, policy) => {
    let prev = idx(start);
    for (const s of replay(events, { start, policy })) {
      expect(idx(s.level)).toBeGreaterThanOrEqual(prev);
      prev = idx(s.level);
    }
  });

  test.prop([levelArb, historyArb, anyPolicyArb], RUNS)(
    'only a PASS loosens (overrides and restarts aside), by exactly one level',
    (start, events, policy) => {
      const states = replay(events, { start, policy });
      states.forEach((s) => {
        const rise = idx(s.level) - idx(s.previousLevel);
        if (rise > 0 && s.eventClass !== 'OVERRIDE' && s.eventClass !== 'RESTART') {
          expect(s.eventClass).toBe('PASS');
          expect(rise).toBe(1);
        }
        if (s.eventClass === 'PASS') expect(rise).toBeLessThanOrEqual(1);
      });
    },
  );

  test.prop([levelArb, historyArb, anyPolicyArb], RUNS)(
    'an off-track verdict never loosens',
    (start, events, policy) => {
      const states = replay(events, { start, policy });
      events.forEach((e, i) => {
        if (e.type === 'review' && e.verdict === 'off_track')
          expect(idx(states[i].level)).toBeLessThanOrEqual(idx(states[i].previousLevel));
      });
    },
  );

  test.prop(
    [
      levelArb,
      historyArb,
      reviewArb.filter((r) => r.verdict !== 'off_track'),
      fc.integer({ min: 1, max: 2 }),
      historyArb,
      anyPolicyArb,
    ],
    RUNS,
  )(
    'monotonicity: a worse verdict on one review never yields a looser level at that step or later',
    (start, before, review, by, after, policy) => {
      const better = [...before, review, ...after];
      const worseEvents = [...before, { ...review, verdict: worse(review.verdict, by) }, ...after];
      const a = replay(better, { start, policy });
      const b = replay(worseEvents, { start, policy });
      for (let t = 0; t < a.length; t++) {
        if (t < before.length) expect(b[t]).toEqual(a[t]);
        else expect(idx(b[t].level)).toBeLessThanOrEqual(idx(a[t].level));
      }
    },
  );

  test.prop(
    [levelArb, historyArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 80, maxLength: 80 }), anyPolicyArb],
    RUNS,
  )(
    'honesty never hurts: the same verdicts with more pessimistic self-reports never yield a tighter level',
    (start, events, bumps, policy) => {
      const honest = events.map((e, i) =>
        e.type === 'review' ? { ...e, selfReport: worse(e.selfReport, bumps[i]) } : e,
      );
      const a = replay(events, { start, policy });
      const b = replay(honest, { start, policy });
      a.forEach((s, t) => expect(idx(b[t].level)).toBeGreaterThanOrEqual(idx(s.level)));
    },
  );

  test.prop([levelArb, historyArb, anyPolicyArb], RUNS)(
    'FLAG, status posts and rejected overrides never change the level',
    (start, events, policy) => {
      const states = replay(events, { start, policy });
      events.forEach((e, i) => {
        const s = states[i];
        if (s.eventClass === 'FLAG' || s.eventClass === 'STATUS' || s.eventClass === 'REJECTED')
          expect(s.level).toBe(s.previousLevel);
        if (e.type === 'status') expect(s.eventClass).toBe('STATUS');
        if (e.type === 'override') expect(s.eventClass).toBe(e.reason.trim() === '' ? 'REJECTED' : 'OVERRIDE');
        if (e.type === 'override' && e.reason.trim() === '') {
          const prev = i === 0 ? initialState(start, policy) : states[i - 1];
          expect({
            ...s,
            rule: '',
            explanation: '',
            eventClass: '',
            points: 0,
            previousLevel: '',
            changed: false,
          }).toEqual({
            ...prev,
            rule: '',
            explanation: '',
            eventClass: '',
            points: 0,
            previousLevel: '',
            changed: false,
          });
        }
      });
    },
  );

  test.prop([levelArb, historyArb], RUNS)('after a HARD_MISS the level is Standard or lower', (start, events) => {
    for (const s of replay(events, { start }))
      if (s.eventClass === 'HARD_MISS') expect(idx(s.level)).toBeLessThanOrEqual(idx('standard'));
  });

  test.prop([levelArb, historyArb, policyArb], RUNS)(
    '... and at most the policy ceiling, one level below where it was (or Tight)',
    (start, events, policy) => {
      for (const s of replay(events, { start, policy })) {
        if (s.eventClass === 'HARD_MISS' && s.points > 0) {
          expect(idx(s.level)).toBeLessThanOrEqual(idx(policy.hardMissCeiling));
          expect(idx(s.level)).toBeLessThanOrEqual(Math.max(0, idx(s.previousLevel) - 1));
        }
      }
    },
  );

  test.prop([levelArb, historyArb, fc.nat(), anyPolicyArb], RUNS)(
    'replay is deterministic, equals stepping, and a prefix does not depend on later events',
    (start, events, cut, policy) => {
      const full = replay(events, { start, policy });
      expect(replay(events, { start, policy })).toEqual(full);
      const k = events.length === 0 ? 0 : cut % (events.length + 1);
      expect(replay(events.slice(0, k), { start, policy })).toEqual(full.slice(0, k));
      let s = initialState(start, policy);
      events.forEach((e, i) => {
        const frozen = structuredClone(s);
        const next = step(s, e, policy);
        expect(s).toEqual(frozen); // the input state is untouched
        expect(next).toEqual(full[i]);
        s = next;
      });
    },
  );

  test.prop(
    [
      fc.boolean(),
      fc.array(levelArb, { maxLength: 6 }),
      fc.array(fc.constantFrom('PASS', 'FLAG', 'HONEST_OFF', 'SOFT_MISS', 'HARD_MISS', 'MISSED' as const), {
        maxLength: 20,
      }),
      anyPolicyArb,
    ],
    RUNS,
  )(
    'a new project never starts Trusted, nor looser than the owner’s best current level',
    (isFirstProject, ownerCurrentLevels, recentScoredClasses, policy) => {
      const result = startingLevel({ isFirstProject, ownerCurrentLevels, recentScoredClasses, policy });
      expect(result.level).not.toBe('trusted');
      expect(result.reason.length).toBeGreaterThan(0);
      if (!isFirstProject && ownerCurrentLevels.length > 0) {
        expect(idx(result.level)).toBeLessThanOrEqual(Math.max(...ownerCurrentLevels.map(idx)));
      }
    },
  );
});

// Invariant (issue #16, docs/decisions/013): a skipped meeting is never an engine event. The engine has no event
// for it and its schema accepts none; a forum's history with skipped meetings steps each project exactly as the
// same history without them. The app keeps its side: a skipped meeting never starts or closes, so no close ever
// turns its missing statuses into MISSED (tests/integration/meeting-lifecycle.test.ts).
describe('a skipped meeting is never an engine event', () => {
  type NoSkipEvent = Extract<EngineEvent['type'], 'skip' | 'skipped' | 'cancelled'>;
  const _noSkipEvent: [NoSkipEvent] extends [never] ? true : false = true;
  void _noSkipEvent;

  test.prop([fc.constantFrom('skip', 'skipped', 'cancelled', 'cancel'), fc.string({ maxLength: 20 })])(
    'no skip event passes the engine’s schema',
    (type, reason) => {
      expect(EngineEventSchema.safeParse({ type, reason }).success).toBe(false);
      expect(EngineEventSchema.safeParse({ type, meetingId: 1 }).success).toBe(false);
    },
  );

  // A forum's meetings, each held (with the events its close and statuses record) or skipped (none).
  const meetingArb = fc.oneof(
    { weight: 3, arbitrary: fc.record({ skipped: fc.constant(false), events: fc.array(eventArb, { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ skipped: fc.constant(true), events: fc.constant<EngineEvent[]>([]) }) },
  );
  test.prop([fc.array(meetingArb, { maxLength: 40 }), levelArb, policyArb], RUNS)(
    'skipped meetings change no state: the history steps as if they were not there',
    (meetings, start, policy) => {
      const withSkips = replay(
        meetings.flatMap((m) => m.events),
        { start, policy },
      );
      const held = replay(
        meetings.filter((m) => !m.skipped).flatMap((m) => m.events),
        { start, policy },
      );
      expect(withSkips).toEqual(held);
      expect(meetings.filter((m) => m.skipped).every((m) => m.events.length === 0)).toBe(true);
    },
  );
});
