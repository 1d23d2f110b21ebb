import { z } from 'zod';
import type { GoalRow, GoalState } from '../../../db/database';
import { dateSchema } from '~/utils/date-schema';

export const GOAL_STATES = ['active', 'achieved', 'missed', 'dropped'] as const satisfies readonly GoalState[];
export const GOAL_STATE_LABEL: Record<GoalState, string> = {
  active: 'Active',
  achieved: 'Achieved',
  missed: 'Missed',
  dropped: 'Dropped',
};
export const TITLE_MAX = 200;
const NUMBER_LIMIT = 1e12;

// Form fields arrive as strings; blank means "not given".
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const decimal = z
  .string()
  .trim()
  .regex(/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/, 'Enter a number, like 42 or 3.5')
  .transform(Number)
  .refine((n) => Number.isFinite(n) && Math.abs(n) <= NUMBER_LIMIT, 'Enter a number between -10¹² and 10¹²');

/** A required number field (finite, bounded). */
export const NumberField = z.preprocess(blankToUndefined, z.string({ error: 'Enter a number' }).pipe(decimal));
/** An optional number field: blank gives undefined. */
export const OptionalNumberField = z.preprocess(blankToUndefined, z.string().pipe(decimal).optional());

/** Creating and editing a goal: one form. A metric needs unit, baseline, target and direction. */
export const GoalSchema = z
  .strictObject({
    title: z
      .string({ error: 'Enter a title' })
      .trim()
      .min(1, 'Enter a title')
      .max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters`),
    kind: z.enum(['metric', 'milestone'], { error: 'Choose metric or milestone' }),
    unit: z.preprocess(blankToUndefined, z.string().trim().max(40, 'Keep the unit under 40 characters').optional()),
    baseline: OptionalNumberField,
    target: OptionalNumberField,
    direction: z.preprocess(blankToUndefined, z.enum(['up', 'down'], { error: 'Choose up or down' }).optional()),
    min: OptionalNumberField,
    max: OptionalNumberField,
    dueDate: z.preprocess(blankToUndefined, dateSchema('Enter a real date as YYYY-MM-DD').optional()),
    state: z.enum(GOAL_STATES, { error: 'Choose a state' }).default('active'),
  })
  .superRefine((g, ctx) => {
    if (g.kind !== 'metric') return;
    for (const key of ['baseline', 'target'] as const) {
      if (g[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `A metric needs a ${key}` });
    }
    if (!g.direction)
      ctx.addIssue({ code: 'custom', path: ['direction'], message: 'Choose whether higher or lower is better' });
    if (g.baseline !== undefined && g.baseline === g.target)
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'The target must differ from the baseline' });
    if (g.min !== undefined && g.max !== undefined && g.min > g.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'The highest valid value must not be below the lowest' });
    else {
      const range = { min_value: g.min ?? null, max_value: g.max ?? null };
      for (const key of ['baseline', 'target'] as const) {
        const message = outOfRange(range, g[key]);
        if (message) ctx.addIssue({ code: 'custom', path: [key], message });
      }
    }
  })
  .transform((g): GoalSnapshot => {
    const metric = g.kind === 'metric';
    return {
      title: g.title,
      kind: g.kind,
      unit: metric ? (g.unit ?? '') : null,
      baseline: metric ? (g.baseline ?? null) : null,
      target: metric ? (g.target ?? null) : null,
      direction: metric ? (g.direction ?? null) : null,
      min_value: metric ? (g.min ?? null) : null,
      max_value: metric ? (g.max ?? null) : null,
      due_date: g.dueDate ?? null,
      state: g.state,
    };
  });

export const GOAL_FIELDS = [
  'title',
  'kind',
  'unit',
  'baseline',
  'target',
  'direction',
  'min_value',
  'max_value',
  'due_date',
  'state',
] as const;
/** A goal's editable fields: what a goal_revisions row stores after each change. */
export type GoalSnapshot = Pick<GoalRow, (typeof GOAL_FIELDS)[number]>;
const FIELD_LABEL: Record<keyof GoalSnapshot, string> = {
  title: 'Title',
  kind: 'Kind',
  unit: 'Unit',
  baseline: 'Baseline',
  target: 'Target',
  direction: 'Direction',
  min_value: 'Lowest valid value',
  max_value: 'Highest valid value',
  due_date: 'Due date',
  state: 'State',
};

/**
 * A metric's valid range (issue #21.8, decision 008): the goal's declared ends; without a declared lowest value, 0
 * (most things a goal counts cannot be negative: a goal that can, like a change in %, declares its own lowest value).
 */
export const DEFAULT_MIN_VALUE = 0;
export function validRange(goal: { min_value?: number | null; max_value?: number | null }): {
  min: number;
  max: number | null;
} {
  return { min: goal.min_value ?? DEFAULT_MIN_VALUE, max: goal.max_value ?? null };
}
export function describeRange(goal: { min_value?: number | null; max_value?: number | null }): string {
  const { min, max } = validRange(goal);
  return max === null ? `${min} or more` : `from ${min} to ${max}`;
}
/** Why a value is outside the goal's valid range, or null when it is inside (or not given). */
export function outOfRange(
  goal: { min_value?: number | null; max_value?: number | null },
  value: number | null | undefined,
): string | null {
  if (value === null || value === undefined) return null;
  const { min, max } = validRange(goal);
  return value < min || (max !== null && value > max) ? `Enter a value ${describeRange(goal)}` : null;
}

/** What changed between two snapshots, one phrase per field ("Target 3 → 2.5"); ["Created"] without a previous one. */
export function describeGoalChanges(before: GoalSnapshot | null, after: GoalSnapshot): string[] {
  if (!before) return ['Created'];
  const show = (v: unknown) => (v === null || v === '' ? '—' : String(v));
  // Snapshots written before a field existed lack it: absent is null.
  return GOAL_FIELDS.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map(
    (f) => `${FIELD_LABEL[f]} ${show(before[f] ?? null)} → ${show(after[f] ?? null)}`,
  );
}

/** A goal as the edit form's field values. */
export function goalFormValues(goal: GoalSnapshot): Record<string, string> {
  const text = (v: string | number | null) => (v === null ? '' : String(v));
  return {
    title: goal.title,
    kind: goal.kind,
    unit: text(goal.unit),
    baseline: text(goal.baseline),
    target: text(goal.target),
    direction: text(goal.direction),
    min: text(goal.min_value ?? null),
    max: text(goal.max_value ?? null),
    dueDate: text(goal.due_date),
    state: goal.state,
  };
}

/** Revisions (oldest first) with what each changed: the first is "Created". Snapshots are only written from GoalSnapshot values. */
export function withGoalChanges<R extends { snapshot: unknown }>(revisions: R[]): (R & { changes: string[] })[] {
  return revisions.map((r, i) => ({
    ...r,
    changes: describeGoalChanges(
      i === 0 ? null : (revisions[i - 1].snapshot as GoalSnapshot),
      r.snapshot as GoalSnapshot,
    ),
  }));
}

/** How far a metric's value is from baseline to target, 0..1 (beyond the target counts as 1). */
export function metricProgress(
  goal: { baseline: number | null; target: number | null },
  value: number | null,
): number | null {
  if (value === null || goal.baseline === null || goal.target === null || goal.target === goal.baseline) return null;
  return Math.min(1, Math.max(0, (value - goal.baseline) / (goal.target - goal.baseline)));
}

/** Units that only say "a number": the value is shown without them ("8", not "7.59 count"). */
const PLAIN_UNITS = new Set(['count', 'number', 'no.', '#']);
const decimalsOf = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? 0 : (String(n).split('.')[1] ?? '').length;

/**
 * A goal's precision: as many decimals as its baseline and target are written with (at most 2). A goal does not
 * store one; "0 → 240 tables" counts whole tables, "2.1 → 3.0 %" tenths.
 */
export function goalDecimals(goal: { baseline: number | null; target: number | null }): number {
  return Math.min(2, Math.max(decimalsOf(goal.baseline), decimalsOf(goal.target)));
}

// One number format per precision (0–2 decimals), made on first use: creating one costs far more than using it.
const numberFormats: Intl.NumberFormat[] = [];
const numberFormat = (decimals: number) =>
  (numberFormats[decimals] ??= new Intl.NumberFormat('en-GB', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }));

/** A goal's value in its unit and precision, the one formatting every page uses: "157 tables", "2.4%", "8". */
export function formatGoalValue(
  value: number | null | undefined,
  goal: { unit: string | null; baseline: number | null; target: number | null },
): string {
  if (value === null || value === undefined) return '—';
  const d = goalDecimals(goal);
  const n = numberFormat(d).format(value);
  const unit = goal.unit?.trim() ?? '';
  if (!unit || PLAIN_UNITS.has(unit.toLowerCase())) return n;
  return unit === '%' ? `${n}%` : `${n} ${unit}`;
}
