import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  HistoryListSchema,
  LEVELS,
  PolicySchema,
  classifyReview,
  healthLabel,
  initialState,
  levelLabel,
  parsePolicy,
  progressToNextLevel,
  replay,
  startingLevel,
  step,
  type EngineEvent,
  type Health,
  type History,
  type OversightState,
  type Policy,
} from './index';

const sharedExamples = new URL('../../../shared/engine-examples.json', import.meta.url);
const fixtureExamples = new URL('./fixtures/engine-examples.json', import.meta.url);

function loadExamples(): History[] {
  const url = existsSync(fileURLToPath(sharedExamples)) ? sharedExamples : fixtureExamples;
  return HistoryListSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
}

const examples = loadExamples();
const N = (v: Health = 'on_track', s: Health = 'on_track'): EngineEvent => ({
  type: 'review',
  verdict: v,
  selfReport: s,
});
const rev = (v: Health, s: Health): EngineEvent => ({ type: 'review', verdict: v, selfReport: s });
const missed: EngineEvent = { type: 'missed' };
const last = <T>(xs: T[]): T => xs[xs.length - 1];

function stateAt(level: OversightState['level'], events: EngineEvent[] = [], policy?: Policy): OversightState {
  return events.reduce((s, e) => step(s, e, policy), initialState(level, policy));
}

describe('golden examples (DESIGN §3, engine-examples.json)', () => {
  it('has the four worked examples, and the fixture copy matches the shared file', () => {
    expect(examples).toHaveLength(4);
    if (existsSync(fileURLToPath(sharedExamples))) {
      expect(JSON.parse(readFileSync(fixtureExamples, 'utf8'))).toEqual(
        JSON.parse(readFileSync(sharedExamples, 'utf8')),
      );
    }
  });

  describe.each(examples.map((e) => [e.name ?? e.start, e] as const))('%s', (_name, example) => {
    const states = replay(example.events, { start: example.start });
    it.each((example.expected ?? []).map((expected, i) => [i, expected] as const))('after event %i', (i, expected) => {
      const s = states[i];
      expect({ level: s.level, interval: s.interval, escalated: s.escalated }).toEqual(expected);
      expect(s.explanation.length).toBeGreaterThan(0);
    });
  });
});

describe('classifyReview', () => {
  it.each([
    ['on_track', 'on_track', 'PASS'],
    ['on_track', 'at_risk', 'PASS'],
    ['on_track', 'off_track', 'PASS'],
    ['at_risk', 'on_track', 'SOFT_MISS'],
    ['at_risk', 'at_risk', 'FLAG'],
    ['at_risk', 'off_track', 'FLAG'],
    ['off_track', 'on_track', 'HARD_MISS'],
    ['off_track', 'at_risk', 'SOFT_MISS'],
    ['off_track', 'off_track', 'HONEST_OFF'],
  ] as const)('verdict %s, self-report %s → %s', (verdict, self, cls) => {
    expect(classifyReview(verdict, self)).toBe(cls);
  });

  it('scores points per class', () => {
    const points = (e: EngineEvent) => step(initialState('standard'), e).points;
    expect(
      [
        N(),
        rev('at_risk', 'at_risk'),
        rev('off_track', 'off_track'),
        rev('at_risk', 'on_track'),
        rev('off_track', 'on_track'),
        missed,
      ].map(points),
    ).toEqual([0, 0, 1, 1, 2, 1]);
  });
});

describe('explanations', () => {
  it('names the window rule and its numbers', () => {
    const s = stateAt('light', [rev('at_risk', 'on_track'), missed]);
    expect(s.level).toBe('standard');
    expect(s.rule).toBe('tighten_window');
    expect(s.explanation).toBe('Light → Standard: 2 misses in the last 5 reviews (limit 2); latest: status not posted');
  });

  it('names the progress toward the next level', () => {
    const s = stateAt('standard', [N(), N(), N()]);
    expect(s.rule).toBe('hold');
    expect(s.explanation).toBe('Stays Standard: on track (3/4 toward Light)');
    expect(progressToNextLevel(s)).toEqual({
      next: 'light',
      have: 3,
      need: 4,
      text: '3 of 4 on-track reviews toward Light',
    });
  });

  it('explains loosening, hard misses, Trusted drops, flags and escalation', () => {
    expect(stateAt('standard', [N(), N(), N(), N()]).explanation).toBe(
      'Standard → Light: 4 on-track reviews in a row (needed 4)',
    );
    expect(stateAt('light', [rev('off_track', 'on_track')]).explanation).toBe(
      'Light → Standard: found off track after the owner reported on track (a hard miss): one level down, and at most Standard',
    );
    expect(stateAt('trusted', [missed]).explanation).toBe(
      'Trusted → Light: any miss at Trusted drops a level; latest: status not posted',
    );
    expect(stateAt('standard', [rev('at_risk', 'at_risk')]).explanation).toBe(
      'Stays Standard: at risk, flagged by the owner before the review (not counted as a miss; streak held at 0/4 toward Light)',
    );
    const escalated = stateAt('tight', [missed, missed, missed, missed, missed]);
    expect(escalated.rule).toBe('escalate');
    expect(escalated.explanation).toBe(
      'Escalated at Tight: 5 misses at Tight (limit 5); latest: status not posted; needs a leader override with a corrective plan',
    );
  });

  it('counts a hard miss as its weight, and says so', () => {
    const s = stateAt('trusted', [rev('off_track', 'on_track'), N(), missed]);
    expect(s.explanation).toBe(
      'Standard → Tight: 3 misses in the last 5 reviews (limit 2; a hard miss counts as 2); latest: status not posted',
    );
  });

  it('names the project and the verdict behind a spill-over', () => {
    expect(step(stateAt('trusted'), { type: 'spillover', project: 'Hiring pipeline' }).explanation).toBe(
      "Trusted → Light: spill-over from the owner's hard miss on Hiring pipeline (judged off track after the owner reported on track)",
    );
  });

  it('gives every state, including the initial one, a non-empty explanation and a rule', () => {
    const events: EngineEvent[] = [
      { type: 'status', health: 'at_risk' },
      missed,
      { type: 'override', level: 'light', reason: '' },
      { type: 'override', level: 'light', reason: 'new plan' },
      { type: 'spillover' },
      { type: 'restart', level: 'standard', reason: '' },
    ];
    for (const s of [initialState('tight'), ...replay(events, { start: 'trusted' })]) {
      expect(s.explanation.trim()).not.toBe('');
      expect(s.rule).not.toBe('');
    }
  });
});

describe('overrides', () => {
  it.each(['', '   ', '\n\t'])(
    'rejects a blank reason (%j) and changes nothing but the rule and explanation',
    (reason) => {
      const before = stateAt('tight', [missed, missed, missed, missed, missed, N()]);
      expect(before.escalated).toBe(true);
      const after = step(before, { type: 'override', level: 'trusted', reason });
      expect(after).toMatchObject({
        level: 'tight',
        previousLevel: 'tight',
        changed: false,
        streak: before.streak,
        window: before.window,
        escalated: true,
        missesAtTight: before.missesAtTight,
        interval: before.interval,
        eventClass: 'REJECTED',
        rule: 'override_rejected',
        points: 0,
      });
      expect(after.explanation).toBe('Override to Trusted rejected: a reason is required; stays Tight');
    },
  );

  it('with a reason sets the level and resets streak, window and escalation', () => {
    const before = stateAt('tight', [missed, missed, missed, missed, missed, N()]);
    const after = step(before, { type: 'override', level: 'light', reason: '  recovery plan agreed ' });
    expect(after).toMatchObject({
      level: 'light',
      changed: true,
      streak: 0,
      window: [],
      escalated: false,
      missesAtTight: 0,
      eventClass: 'OVERRIDE',
      rule: 'override',
    });
    expect(after.explanation).toBe(
      'Override Tight → Light: “recovery plan agreed”; streak, recent misses and escalation reset',
    );
  });
});

describe('escalation', () => {
  it('counts only misses made while already at Tight; a PASS does not reset the count', () => {
    const states = replay([rev('off_track', 'on_track'), missed, N(), missed, missed, missed], { start: 'standard' });
    expect(states.map((s) => s.missesAtTight)).toEqual([0, 1, 1, 2, 3, 4]);
    expect(states.map((s) => s.escalated)).toEqual([false, false, false, false, false, false]);
    expect(step(last(states), missed).escalated).toBe(true);
  });

  it('holds the project at Tight: on-track reviews do not loosen it until an override', () => {
    let s = stateAt('tight', [missed, missed, missed, missed, missed]);
    for (let i = 0; i < 5; i++) {
      s = step(s, N());
      expect(s).toMatchObject({ level: 'tight', escalated: true, rule: 'hold_escalated' });
    }
    expect(progressToNextLevel(s).next).toBeNull();
  });

  it('starts a fresh count after the project earns its way out of Tight', () => {
    const s = stateAt('tight', [missed, missed, missed, N(), N(), N()]);
    expect(s.level).toBe('standard');
    expect(s.missesAtTight).toBe(0);
  });

  it('follows the escalation limit of the policy', () => {
    const policy = { ...DEFAULT_POLICY, escalationMisses: 2 };
    expect(stateAt('tight', [missed, missed], policy).escalated).toBe(true);
    expect(stateAt('tight', [missed, missed]).escalated).toBe(false);
  });
});

describe('tightening', () => {
  it('caps a hard miss at Standard, from any level', () => {
    expect(stateAt('trusted', [rev('off_track', 'on_track')]).level).toBe('standard');
    expect(stateAt('light', [rev('off_track', 'on_track')]).level).toBe('standard');
    expect(stateAt('standard', [rev('off_track', 'on_track')]).level).toBe('tight');
  });

  it('drops Trusted to Light on any miss point, and keeps the window across level changes', () => {
    const s1 = stateAt('trusted', [rev('at_risk', 'on_track')]);
    expect(s1).toMatchObject({ level: 'light', rule: 'tighten_trusted', window: [1] });
    const s2 = step(s1, rev('off_track', 'off_track'));
    expect(s2).toMatchObject({ level: 'standard', rule: 'tighten_window', window: [1, 1] });
  });

  it('only looks at the last 5 scored events', () => {
    const s = stateAt('light', [missed, N(), N(), N(), N(), missed]);
    expect(s.window).toEqual([0, 0, 0, 0, 1]);
    expect(s.level).toBe('light');
  });
});

describe('attention cap and pull', () => {
  it('caps the interval by the latest verdict until an on-track verdict', () => {
    const s1 = stateAt('trusted', [rev('at_risk', 'at_risk')]);
    expect(s1).toMatchObject({ level: 'trusted', baseInterval: 8, interval: 2, attention: 'at_risk' });
    const s2 = step(s1, rev('off_track', 'off_track'));
    expect(s2).toMatchObject({ level: 'light', interval: 1, attention: 'off_track' });
    const s3 = step(s2, { type: 'status', health: 'on_track' });
    expect(s3.interval).toBe(1);
    expect(step(s3, N())).toMatchObject({ interval: 4, attention: 'none' });
  });

  it('pulls the project into the next meeting on an at-risk/off-track status or a missed status, until reviewed', () => {
    const pulled = stateAt('light', [{ type: 'status', health: 'off_track' }]);
    expect(pulled).toMatchObject({ level: 'light', pulled: true, interval: 1, eventClass: 'STATUS' });
    expect(step(pulled, { type: 'status', health: 'on_track' })).toMatchObject({ pulled: true, interval: 1 });
    expect(step(pulled, N())).toMatchObject({ pulled: false, interval: 4 });
    expect(stateAt('trusted', [{ type: 'status', health: 'on_track' }])).toMatchObject({ pulled: false, interval: 8 });
    expect(stateAt('standard', [missed])).toMatchObject({ pulled: true, interval: 1, eventClass: 'MISSED' });
  });
});

describe('honesty spill-over', () => {
  it('drops Trusted to Light', () => {
    const s = step(stateAt('trusted', [N(), N()]), { type: 'spillover' });
    expect(s).toMatchObject({
      level: 'light',
      changed: true,
      streak: 0,
      eventClass: 'SPILLOVER',
      rule: 'spillover',
      interval: 4,
    });
  });

  it('restarts a Light project’s streak toward Trusted', () => {
    const s = step(stateAt('light', [N(), N(), N()]), { type: 'spillover' });
    expect(s).toMatchObject({ level: 'light', changed: false, streak: 0, rule: 'spillover_streak' });
  });

  it('keeps monotonicity: a flag instead of a pass never ends up Trusted sooner (decision 001)', () => {
    const pass = rev('on_track', 'at_risk');
    const flag = rev('at_risk', 'at_risk');
    const spill: EngineEvent = { type: 'spillover' };
    const better = replay([pass, pass, pass, pass, spill, pass], { start: 'light' }).map((s) => s.level);
    const worse = replay([pass, pass, pass, flag, spill, pass], { start: 'light' }).map((s) => s.level);
    expect(better).toEqual(['light', 'light', 'light', 'trusted', 'light', 'light']);
    expect(worse).toEqual(['light', 'light', 'light', 'light', 'light', 'light']);
  });

  it.each(['tight', 'standard'] as const)('leaves a %s project alone', (level) => {
    const before = stateAt(level, [N()]);
    const s = step(before, { type: 'spillover' });
    expect(s).toMatchObject({
      level,
      changed: false,
      streak: before.streak,
      window: before.window,
      rule: 'spillover_none',
    });
  });
});

describe('restart', () => {
  it('restarts at the given level, resetting streak, window and escalation', () => {
    const before = stateAt('tight', [missed, missed, missed, missed, missed]);
    const s = step(before, { type: 'restart', level: 'standard', reason: 'handed to Ana' });
    expect(s).toMatchObject({
      level: 'standard',
      streak: 0,
      window: [],
      escalated: false,
      missesAtTight: 0,
      rule: 'restart',
      eventClass: 'RESTART',
    });
    expect(s.explanation).toBe(
      'Restarted at Standard (was Tight): handed to Ana; streak, recent misses and escalation reset',
    );
  });
});

describe('purity', () => {
  it('never mutates the input state and is deterministic', () => {
    const deepFreeze = (s: OversightState) => Object.freeze({ ...s, window: Object.freeze([...s.window]) });
    const before = deepFreeze(stateAt('light', [N(), missed]));
    const snapshot = structuredClone(before);
    const a = step(before, missed);
    const b = step(before, missed);
    expect(before).toEqual(snapshot);
    expect(a).toEqual(b);
    expect(a).not.toBe(before);
  });

  it('initialState is at rest at the start level', () => {
    expect(initialState('light')).toMatchObject({
      level: 'light',
      previousLevel: 'light',
      changed: false,
      streak: 0,
      window: [],
      baseInterval: 4,
      interval: 4,
      escalated: false,
      rule: 'start',
    });
  });
});

describe('startingLevel', () => {
  const base = { isFirstProject: false, ownerCurrentLevels: [], recentScoredClasses: [] } as const;
  it.each([
    ['a first project', { ...base, isFirstProject: true, ownerCurrentLevels: ['trusted'] }, 'standard'],
    ['best current Trusted', { ...base, ownerCurrentLevels: ['tight', 'trusted'] }, 'light'],
    ['best current Light', { ...base, ownerCurrentLevels: ['light', 'standard'] }, 'light'],
    ['best current Standard', { ...base, ownerCurrentLevels: ['standard', 'tight'] }, 'standard'],
    ['best current Tight', { ...base, ownerCurrentLevels: ['tight'] }, 'tight'],
    ['no current projects', { ...base, ownerCurrentLevels: [] }, 'standard'],
    [
      'a HARD_MISS in the last 8 scored events',
      {
        ...base,
        ownerCurrentLevels: ['trusted'],
        recentScoredClasses: ['HARD_MISS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS'],
      },
      'standard',
    ],
    [
      'a HARD_MISS 9 scored events ago',
      {
        ...base,
        ownerCurrentLevels: ['trusted'],
        recentScoredClasses: ['HARD_MISS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'MISSED'],
      },
      'light',
    ],
    [
      'a HARD_MISS with best current Tight',
      { ...base, ownerCurrentLevels: ['tight'], recentScoredClasses: ['HARD_MISS'] },
      'tight',
    ],
  ] as const)('%s', (_name, input, level) => {
    const result = startingLevel({
      ...input,
      ownerCurrentLevels: [...input.ownerCurrentLevels],
      recentScoredClasses: [...input.recentScoredClasses],
    });
    expect(result.level).toBe(level);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('follows the policy', () => {
    const policy: Policy = { ...DEFAULT_POLICY, newProjectMaxLevel: 'standard', firstProjectLevel: 'tight' };
    expect(startingLevel({ ...base, ownerCurrentLevels: ['trusted'], recentScoredClasses: [], policy }).level).toBe(
      'standard',
    );
    expect(
      startingLevel({ ...base, isFirstProject: true, ownerCurrentLevels: [], recentScoredClasses: [], policy }).level,
    ).toBe('tight');
  });
});

describe('progressToNextLevel', () => {
  it('reports Trusted as the top and caps progress at the need', () => {
    expect(progressToNextLevel(stateAt('trusted'))).toMatchObject({ next: null, text: 'Trusted: the loosest level' });
    expect(progressToNextLevel(stateAt('tight', [N(), N()]))).toEqual({
      next: 'standard',
      have: 2,
      need: 3,
      text: '2 of 3 on-track reviews toward Standard',
    });
  });
});

describe('labels', () => {
  it('labels levels and health', () => {
    expect(LEVELS.map(levelLabel)).toEqual(['Tight', 'Standard', 'Light', 'Trusted']);
    expect((['on_track', 'at_risk', 'off_track'] as const).map(healthLabel)).toEqual([
      'On track',
      'At risk',
      'Off track',
    ]);
  });
});

describe('PolicySchema', () => {
  it('accepts the defaults', () => {
    expect(PolicySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
  });

  it.each<[string, Partial<Record<keyof Policy, unknown>> & Record<string, unknown>, string]>([
    ['interval below 1', { intervalTight: 0 }, 'intervalTight'],
    ['interval above 52', { intervalTrusted: 53 }, 'intervalTrusted'],
    ['fractional interval', { intervalLight: 2.5 }, 'intervalLight'],
    ['intervals decreasing by level', { intervalLight: 1 }, 'intervalLight'],
    ['streak 0', { loosenStreakTight: 0 }, 'loosenStreakTight'],
    ['streak above 20', { loosenStreakLight: 21 }, 'loosenStreakLight'],
    ['window 0', { windowSize: 0 }, 'windowSize'],
    ['window above 20', { windowSize: 21 }, 'windowSize'],
    ['limit 0', { windowLimit: 0 }, 'windowLimit'],
    ['negative points', { pointsMissed: -1 }, 'pointsMissed'],
    ['points above 5', { pointsHardMiss: 6 }, 'pointsHardMiss'],
    ['soft miss costing more than a hard miss', { pointsSoftMiss: 3 }, 'pointsSoftMiss'],
    ['honest off-track costing more than a soft miss', { pointsHonestOff: 2 }, 'pointsHonestOff'],
    ['escalation 0', { escalationMisses: 0 }, 'escalationMisses'],
    ['a Trusted hard-miss ceiling', { hardMissCeiling: 'trusted' }, 'hardMissCeiling'],
    ['new projects allowed to start Trusted', { newProjectMaxLevel: 'trusted' }, 'newProjectMaxLevel'],
    ['off-track cap looser than at-risk cap', { attentionOffTrackInterval: 3 }, 'attentionOffTrackInterval'],
    ['a non-number', { windowLimit: '2' }, 'windowLimit'],
  ])('rejects %s', (_name, patch, path) => {
    const result = PolicySchema.safeParse({ ...DEFAULT_POLICY, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('rejects unknown keys and missing keys', () => {
    expect(PolicySchema.safeParse({ ...DEFAULT_POLICY, surprise: 1 }).success).toBe(false);
    const { windowSize: _omitted, ...rest } = DEFAULT_POLICY;
    expect(PolicySchema.safeParse(rest).success).toBe(false);
  });

  it('parsePolicy merges a partial policy over the defaults', () => {
    const result = parsePolicy({ windowLimit: 3 });
    expect(result.success && result.data).toEqual({ ...DEFAULT_POLICY, windowLimit: 3 });
  });
});

describe('a non-default policy changes the outcome', () => {
  const calibration = examples.find((e) => e.name === 'one-step calibration misses') ?? examples[2];

  it('a higher window limit keeps the one-step misses at Standard', () => {
    const policy = PolicySchema.parse({ ...DEFAULT_POLICY, windowLimit: 3 });
    const levels = replay(calibration.events, { start: 'standard', policy }).map((s) => s.level);
    expect(levels[3]).toBe('standard');
    expect(replay(calibration.events, { start: 'standard' })[3].level).toBe('tight');
  });

  it('shorter streaks and other intervals loosen sooner and change the interval', () => {
    const policy = PolicySchema.parse({ ...DEFAULT_POLICY, loosenStreakStandard: 2, intervalLight: 3 });
    const states = replay([N(), N()], { start: 'standard', policy });
    expect(states.map((s) => [s.level, s.interval])).toEqual([
      ['standard', 2],
      ['light', 3],
    ]);
  });
});
