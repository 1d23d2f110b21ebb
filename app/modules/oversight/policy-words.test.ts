import { describe, expect, test } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '~/oversight';
import {
  diffPolicies,
  PolicySaveSchema,
  POLICY_PARAMETERS,
  policyFormValues,
  rangeOf,
  isLevelKey,
} from './policy-settings';
import { policyInWords } from './policy-words';

const text = (p: Policy) => policyInWords(p).flatMap((s) => s.sentences);

describe('the policy in words', () => {
  test('says the defaults as sentences', () => {
    const sentences = text(DEFAULT_POLICY);
    expect(sentences).toContain('Standard → Light after 4 on-track reviews in a row.');
    expect(sentences).toContain('Tight → Standard after 3 on-track reviews in a row.');
    expect(sentences).toContain(
      'Tight projects are reviewed every meeting, Standard every 2 meetings, Light every 4 meetings and Trusted every 8 meetings.',
    );
    expect(sentences).toContain(
      'A project drops one level when its last 5 scored events add up to 2 miss points or more.',
    );
    expect(sentences).toContain(
      '5 misses while at Tight escalate a project; only a leader override with a corrective plan lifts it.',
    );
  });

  test('a changed value changes its sentence (nothing is hard-coded)', () => {
    const changed = text({
      ...DEFAULT_POLICY,
      loosenStreakStandard: 6,
      intervalTrusted: 12,
      windowSize: 1,
      windowLimit: 1,
      escalationMisses: 1,
      pulledInterval: 2,
    });
    expect(changed).toContain('Standard → Light after 6 on-track reviews in a row.');
    expect(changed).not.toContain('Standard → Light after 4 on-track reviews in a row.');
    expect(changed.join(' ')).toMatch(/Trusted every 12 meetings/);
    expect(changed).toContain(
      'A project drops one level when its last 1 scored event adds up to 1 miss point or more.',
    );
    expect(changed).toContain(
      '1 miss while at Tight escalate a project; only a leader override with a corrective plan lifts it.',
    );
    expect(changed.join(' ')).toMatch(/brings the project to review within 2 meetings/);
  });

  test('every parameter shows up in the words: changing any one of them changes the text', () => {
    const base = text(DEFAULT_POLICY).join('\n');
    for (const p of POLICY_PARAMETERS) {
      const value = isLevelKey(p.key)
        ? DEFAULT_POLICY[p.key] === 'tight'
          ? 'light'
          : 'tight'
        : DEFAULT_POLICY[p.key] === rangeOf(p.key).max
          ? DEFAULT_POLICY[p.key] - 1
          : DEFAULT_POLICY[p.key] + 1;
      expect(text({ ...DEFAULT_POLICY, [p.key]: value } as Policy).join('\n'), p.key).not.toBe(base);
    }
  });

  test('zero-point misses and no hard-miss lookback are said plainly', () => {
    const sentences = text({ ...DEFAULT_POLICY, pointsHonestOff: 0, pointsMissed: 0, hardMissLookback: 0 });
    expect(sentences.join(' ')).toMatch(
      /Not counted as a miss: an off-track project the owner reported as off track; a status not posted by the deadline\./,
    );
    expect(sentences).toContain('A past hard miss does not lower the starting level.');
  });
});

describe('the settings form', () => {
  const form = (patch: Record<string, string>) => ({
    intent: 'save',
    baseVersion: '1',
    reason: 'Faster',
    ...policyFormValues(DEFAULT_POLICY),
    ...patch,
  });

  test('parses every parameter and the reason', () => {
    const r = PolicySaveSchema.safeParse(form({ intervalTrusted: '10' }));
    expect(r.success && r.data.intervalTrusted).toBe(10);
  });

  test('a blank reason, a number out of range and a broken ordering are each named next to their field, in plain words', () => {
    const issues = (patch: Record<string, string>) => {
      const r = PolicySaveSchema.safeParse(form(patch));
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
    };
    expect(issues({ reason: '  ' }).reason).toMatch(/Say why/);
    expect(issues({ intervalLight: '99' }).intervalLight).toBe('Enter 52 or less');
    expect(issues({ intervalLight: 'x' }).intervalLight).toBe('Enter a whole number');
    expect(issues({ intervalLight: '' }).intervalLight).toBe('Enter a number');
    expect(issues({ intervalStandard: '5' }).intervalLight).toMatch(/at least the Standard interval \(5\)/);
    expect(issues({ pointsSoftMiss: '3' }).pointsSoftMiss).toMatch(/at most the points of a hard miss \(2\)/);
    expect(issues({ sneaky: '1' })).not.toEqual({});
  });

  test('the difference between versions names each parameter with old → new', () => {
    expect(diffPolicies(DEFAULT_POLICY, { ...DEFAULT_POLICY, hardMissCeiling: 'tight', windowLimit: 1 })).toEqual([
      { key: 'windowLimit', label: 'Miss points that drop a level', from: '2 points', to: '1 point' },
      { key: 'hardMissCeiling', label: 'Highest level after a hard miss', from: 'Standard', to: 'Tight' },
    ]);
  });
});
