import { describe, expect, test } from 'vitest';
import {
  GoalSchema,
  describeGoalChanges,
  formatGoalValue,
  goalDecimals,
  goalFormValues,
  metricProgress,
  type GoalSnapshot,
} from './goals';

const metric = {
  title: 'Latency',
  kind: 'metric',
  unit: 'ms',
  baseline: '800',
  target: '200',
  direction: 'down',
  dueDate: '2027-01-31',
};

describe('GoalSchema', () => {
  test('a metric keeps its numbers; a milestone drops them', () => {
    expect(GoalSchema.parse(metric)).toEqual({
      title: 'Latency',
      kind: 'metric',
      unit: 'ms',
      baseline: 800,
      target: 200,
      direction: 'down',
      min_value: null,
      max_value: null,
      due_date: '2027-01-31',
      state: 'active',
    });
    expect(GoalSchema.parse({ ...metric, kind: 'milestone', state: 'achieved' })).toEqual({
      title: 'Latency',
      kind: 'milestone',
      unit: null,
      baseline: null,
      target: null,
      direction: null,
      min_value: null,
      max_value: null,
      due_date: '2027-01-31',
      state: 'achieved',
    });
  });

  test('errors name the field', () => {
    const fields = (input: Record<string, string>) => {
      const result = GoalSchema.safeParse(input);
      return result.success ? [] : result.error.issues.map((i) => i.path.join('.')).sort();
    };
    expect(fields({ ...metric, baseline: '', target: '', direction: '' })).toEqual(['baseline', 'direction', 'target']);
    expect(fields({ ...metric, target: '800' })).toEqual(['target']);
    expect(fields({ ...metric, title: '  ', dueDate: '2027-02-29', state: 'won' })).toEqual([
      'dueDate',
      'state',
      'title',
    ]);
    expect(fields({ ...metric, owner_id: '1' })).toEqual(['']);
  });

  test('the edit form round-trips', () => {
    const snapshot = GoalSchema.parse(metric);
    expect(GoalSchema.parse(goalFormValues(snapshot))).toEqual(snapshot);
  });
});

test('describeGoalChanges names each changed field', () => {
  const before = GoalSchema.parse(metric) as GoalSnapshot;
  expect(describeGoalChanges(null, before)).toEqual(['Created']);
  expect(describeGoalChanges(before, { ...before, target: 250, due_date: null, state: 'missed' })).toEqual([
    'Target 200 → 250',
    'Due date 2027-01-31 → —',
    'State active → missed',
  ]);
  expect(describeGoalChanges(before, before)).toEqual([]);
});

test('metricProgress runs from baseline (0) to target (1) in either direction', () => {
  expect(metricProgress({ baseline: 800, target: 200 }, 500)).toBe(0.5);
  expect(metricProgress({ baseline: 0, target: 10 }, 12)).toBe(1);
  expect(metricProgress({ baseline: 0, target: 10 }, -3)).toBe(0);
  expect(metricProgress({ baseline: 0, target: 10 }, null)).toBeNull();
});

test('a goal value is shown in the goal’s unit and precision', () => {
  const tables = { unit: 'tables', baseline: 0, target: 240 };
  expect(formatGoalValue(156.97, tables)).toBe('157 tables');
  expect(formatGoalValue(7.59, { unit: 'count', baseline: 14, target: 6 })).toBe('8');
  expect(formatGoalValue(2.456, { unit: '%', baseline: 2.1, target: 3.0 })).toBe('2.5%');
  expect(formatGoalValue(1234.4, { unit: 'ms', baseline: 1200, target: 300 })).toBe('1,234 ms');
  expect(formatGoalValue(null, tables)).toBe('—');
  expect(goalDecimals({ baseline: 3.9, target: 4.55 })).toBe(2);
});
