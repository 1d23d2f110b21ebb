import { z } from 'zod';
import type { GoalKind, HealthValue, MeetingState } from '../../../db/database';
import { NumberField, outOfRange } from '~/modules/goals/goals';

export const TEXT_MAX = 10_000;
export const NOTE_MAX = 2_000;
const HOUR_MS = 3_600_000;

/** The form field names of one goal's value: `goal.<id>.value` (metric) or `goal.<id>.done` (milestone), and its note. */
export const goalFieldName = (goalId: number, part: 'value' | 'done' | 'note') => `goal.${goalId}.${part}`;

const longText = (what: string) => z.string().trim().max(TEXT_MAX, `Keep ${what} under 10,000 characters`);

export interface StatusUpdateInput {
  health: HealthValue;
  summary: string;
  risks: string;
  asks: string;
  /** The version the form was loaded with; 0 = a new status. */
  version: number;
  goals: { goalId: number; value: number | null; done: boolean | null; note: string }[];
}

/**
 * The status form's schema for a project's active goals. Strict: a field for a goal that is not one of them
 * (another project's, or a closed one) is an unknown field and the whole submission is rejected.
 */
export function statusUpdateSchema(goals: readonly SchemaGoal[]) {
  // One schema per set of goals, reused: building a zod schema (and its first parse) costs more than a status
  // save's queries (issue #8). Only the goals' ids, kinds and valid ranges shape it.
  const key = goals.map((g) => `${g.id}:${g.kind}:${g.min_value ?? ''}:${g.max_value ?? ''}`).join(',');
  let schema = schemas.get(key);
  if (!schema) {
    schema = buildStatusUpdateSchema(
      goals.map(({ id, kind, min_value, max_value }) => ({ id, kind, min_value, max_value })),
    );
    if (schemas.size >= MAX_SCHEMAS) schemas.delete(schemas.keys().next().value as string);
    schemas.set(key, schema);
  }
  return schema;
}

const MAX_SCHEMAS = 1_000;
const schemas = new Map<string, ReturnType<typeof buildStatusUpdateSchema>>();

/** What shapes a status form's schema: each goal's id, kind and (metrics) valid range (issue #21.8). */
type SchemaGoal = { id: number; kind: GoalKind; min_value?: number | null; max_value?: number | null };

function buildStatusUpdateSchema(goals: readonly SchemaGoal[]) {
  const goalShape: Record<string, z.ZodType> = {};
  for (const g of goals) {
    if (g.kind === 'metric')
      goalShape[goalFieldName(g.id, 'value')] = NumberField.superRefine((n, ctx) => {
        const message = outOfRange(g, n as number);
        if (message) ctx.addIssue({ code: 'custom', message });
      });
    else
      goalShape[goalFieldName(g.id, 'done')] = z.literal('on', { error: 'Tick the box or leave it empty' }).optional();
    goalShape[goalFieldName(g.id, 'note')] = z
      .string()
      .trim()
      .max(NOTE_MAX, 'Keep the note under 2,000 characters')
      .optional();
  }
  return z
    .strictObject({
      health: z.enum(['on_track', 'at_risk', 'off_track'], { error: 'Choose the project’s health' }),
      summary: longText('the summary').min(1, 'Write a short summary'),
      risks: longText('the risks').default(''),
      asks: longText('the asks').default(''),
      version: z.coerce
        .number({ error: 'Reload the page and try again' })
        .int()
        .min(0)
        .max(2 ** 31 - 1),
      ...goalShape,
    })
    .transform((v): StatusUpdateInput => {
      const field = v as Record<string, unknown>;
      return {
        health: v.health,
        summary: v.summary,
        risks: v.risks,
        asks: v.asks,
        version: v.version,
        goals: goals.map((g) => ({
          goalId: g.id,
          value: g.kind === 'metric' ? (field[goalFieldName(g.id, 'value')] as number) : null,
          done: g.kind === 'milestone' ? field[goalFieldName(g.id, 'done')] === 'on' : null,
          note: (field[goalFieldName(g.id, 'note')] as string | undefined) ?? '',
        })),
      };
    });
}

/** A saved status as the form's field values (what the form shows before the owner edits it). */
export function statusFormValues(status: {
  health: HealthValue;
  summary: string;
  risks: string;
  asks: string;
  version: number;
  values: { goalId: number; value: number | null; done: boolean | null; note: string }[];
}): Record<string, string> {
  const values: Record<string, string> = {
    health: status.health,
    summary: status.summary,
    risks: status.risks,
    asks: status.asks,
    version: String(status.version),
  };
  for (const v of status.values) {
    if (v.value !== null) values[goalFieldName(v.goalId, 'value')] = String(v.value);
    if (v.done) values[goalFieldName(v.goalId, 'done')] = 'on';
    if (v.note) values[goalFieldName(v.goalId, 'note')] = v.note;
  }
  return values;
}

/** A goal on the status form, with its milestone report in the latest status of an earlier cycle. */
interface FormGoal {
  id: number;
  kind: GoalKind;
  title: string;
  wasDone?: boolean | null;
}

/**
 * A milestone once done stays done unless the owner reopens it on purpose (issue #21.4): unticking a milestone the
 * last cycle's status reported done needs a note saying why. Per-field errors, or null when there are none.
 */
export function reopenErrors(goals: readonly FormGoal[], input: StatusUpdateInput): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const g of goals) {
    const value = input.goals.find((v) => v.goalId === g.id);
    if (g.kind === 'milestone' && g.wasDone === true && value?.done === false && !value.note)
      errors[goalFieldName(g.id, 'note')] = [
        `${g.title} was done: to reopen it, say why in this note (or tick it again)`,
      ];
  }
  return Object.keys(errors).length ? errors : null;
}

/** A new status's form values: milestones done in the last cycle start ticked, so posting the form keeps them done. */
export function newStatusFormValues(goals: readonly FormGoal[]): Record<string, string> {
  const values: Record<string, string> = { version: '0' };
  for (const g of goals) if (g.kind === 'milestone' && g.wasDone === true) values[goalFieldName(g.id, 'done')] = 'on';
  return values;
}

/**
 * A status cycle is the forum's next non-closed meeting. Statuses can be posted and edited while it is
 * planned and has not started; one saved after the deadline (status_deadline_hours before) is late.
 */
export function statusCycle(
  meeting: { scheduledAt: Date; state: MeetingState; deadlineHours: number },
  now: Date = new Date(),
) {
  const deadline = new Date(meeting.scheduledAt.getTime() - meeting.deadlineHours * HOUR_MS);
  return { deadline, open: meeting.state === 'planned' && now < meeting.scheduledAt, late: now > deadline };
}
