import { describe, expect, test } from 'vitest';
import { statusCycle, statusFormValues, statusUpdateSchema } from './status';

const goals: { id: number; kind: 'metric' | 'milestone'; min_value?: number | null; max_value?: number | null }[] = [
  { id: 7, kind: 'metric' as const, min_value: -1000, max_value: null }, // a goal that may go negative declares it
  { id: 8, kind: 'milestone' as const },
];
const schema = statusUpdateSchema(goals);
const valid = {
  health: 'on_track',
  summary: ' Fine ',
  version: '3',
  'goal.7.value': ' -1.5e2 ',
  'goal.8.done': 'on',
  'goal.8.note': 'Shipped',
};

describe('statusUpdateSchema', () => {
  test('turns the form into one status with a value per active goal', () => {
    expect(schema.parse(valid)).toEqual({
      health: 'on_track',
      summary: 'Fine',
      risks: '',
      asks: '',
      version: 3,
      goals: [
        { goalId: 7, value: -150, done: null, note: '' },
        { goalId: 8, value: null, done: true, note: 'Shipped' },
      ],
    });
    expect(schema.parse({ ...valid, 'goal.8.done': undefined }).goals[1].done).toBe(false);
  });

  test('a value outside the goal’s valid range is an error on its field (0 or more unless declared)', () => {
    const issues = (g: (typeof goals)[number], value: string) => {
      const result = statusUpdateSchema([g, goals[1]]).safeParse({ ...valid, 'goal.7.value': value });
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ id: 7, kind: 'metric', min_value: null, max_value: null }, '-3')).toEqual([
      'goal.7.value: Enter a value 0 or more',
    ]);
    expect(issues({ id: 7, kind: 'metric', min_value: null, max_value: null }, '0')).toEqual([]);
    expect(issues({ id: 7, kind: 'metric', min_value: -5, max_value: 10 }, '10.5')).toEqual([
      'goal.7.value: Enter a value from -5 to 10',
    ]);
    expect(issues({ id: 7, kind: 'metric', min_value: -5, max_value: 10 }, '-5')).toEqual([]);
  });

  test.each([
    ['unknown field', { extra: 'x' }],
    ['another goal’s value', { 'goal.9.value': '1' }],
    ['a milestone sent as a metric', { 'goal.8.value': '1' }],
    ['a non-finite number', { 'goal.7.value': 'Infinity' }],
    ['a number out of range', { 'goal.7.value': '1e13' }],
    ['a missing metric value', { 'goal.7.value': undefined }],
    ['an unknown health', { health: 'great' }],
    ['a summary over 10,000 characters', { summary: 'x'.repeat(10_001) }],
    ['asks over 10,000 characters', { asks: 'x'.repeat(10_001) }],
    ['a note over 2,000 characters', { 'goal.7.note': 'x'.repeat(2_001) }],
    ['a negative version', { version: '-1' }],
  ])('rejects %s', (_name, change) => {
    expect(schema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  test('the saved status round-trips through the form values', () => {
    const saved = {
      health: 'at_risk' as const,
      summary: 'S',
      risks: 'R',
      asks: '',
      version: 2,
      values: [
        { goalId: 7, value: 12.5, done: null, note: 'n' },
        { goalId: 8, value: null, done: true, note: '' },
      ],
    };
    const parsed = schema.parse(statusFormValues(saved));
    expect(parsed).toMatchObject({
      health: 'at_risk',
      summary: 'S',
      risks: 'R',
      version: 2,
      goals: [
        { goalId: 7, value: 12.5, note: 'n' },
        { goalId: 8, done: true },
      ],
    });
  });
});

describe('statusCycle', () => {
  const scheduledAt = new Date('2026-12-07T10:00:00Z');
  test('open until the meeting starts; late after the deadline', () => {
    const cycle = (now: string, state: 'planned' | 'in_progress' = 'planned') =>
      statusCycle({ scheduledAt, state, deadlineHours: 24 }, new Date(now));
    expect(cycle('2026-12-06T09:59:00Z')).toEqual({
      deadline: new Date('2026-12-06T10:00:00Z'),
      open: true,
      late: false,
    });
    expect(cycle('2026-12-06T10:01:00Z')).toMatchObject({ open: true, late: true });
    expect(cycle('2026-12-07T10:00:00Z')).toMatchObject({ open: false });
    expect(cycle('2026-12-05T10:00:00Z', 'in_progress')).toMatchObject({ open: false });
  });
});
