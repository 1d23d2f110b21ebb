import { z } from 'zod';
import { can, rolesFor } from '~/modules/auth/can';
import type { GoalKind, HealthValue, Role } from '../../../db/database';
import { metricProgress } from '~/modules/goals/goals';
import { dateSchema } from '~/utils/date-schema';
import { OverrideSchema } from '~/modules/oversight/override';
import type { Refusal } from '~/utils/result';

// One strict schema per form on the meeting page; the `intent` literal picks it.

const id = (message: string) => z.coerce.number({ error: message }).int(message).positive(message);
const projectId = id('Choose a project');

export const VERDICTS = ['on_track', 'at_risk', 'off_track'] as const;

/** `confirm=yes` is the second step of a start or close that asks first (a no-JavaScript confirmation). */
const confirm = z.literal('yes', { error: 'Confirm with yes' }).optional();
export const StartMeetingSchema = z.strictObject({ intent: z.literal('start'), confirm });
export const CloseMeetingSchema = z.strictObject({ intent: z.literal('close'), confirm });
export const PullItemSchema = z.strictObject({ intent: z.literal('pull'), projectId });
export const RequestNextSchema = z.strictObject({ intent: z.literal('request'), projectId });
/** Puts a pulled consent item back on the consent agenda. */
export const PutBackItemSchema = z.strictObject({ intent: z.literal('put-back'), projectId });
/** A level override (an escalated project's corrective plan) recorded from the meeting page. */
export const MeetingOverrideSchema = z.strictObject({ ...OverrideSchema.shape, projectId });

export const ReviewSchema = z.strictObject({
  intent: z.literal('review'),
  projectId,
  verdict: z.enum(VERDICTS, { error: 'Choose a verdict' }),
  feedback: z.string().trim().max(10_000, 'Keep feedback under 10,000 characters').default(''),
  /** The verdict's version the form showed (0 = none yet): a stale one is a conflict, never an overwrite. */
  version: z.coerce
    .number({ error: 'Reload the page' })
    .int('Reload the page')
    .min(0, 'Reload the page')
    .max(2 ** 31 - 1, 'Reload the page')
    .default(0),
});

export const ActionItemSchema = z.strictObject({
  intent: z.literal('action-item'),
  projectId,
  text: z
    .string({ error: 'Describe the action' })
    .trim()
    .min(1, 'Describe the action')
    .max(2_000, 'Keep it under 2,000 characters'),
  assigneeId: id('Choose who will do it'),
  dueDate: z
    .union([z.literal(''), dateSchema()])
    .default('')
    .transform((v) => v || null),
});

export const MeetingActionSchema = z.discriminatedUnion(
  'intent',
  [
    StartMeetingSchema,
    CloseMeetingSchema,
    PullItemSchema,
    RequestNextSchema,
    ReviewSchema,
    ActionItemSchema,
    PutBackItemSchema,
    MeetingOverrideSchema,
  ],
  { error: 'Unknown action' },
);
export type MeetingAction = z.infer<typeof MeetingActionSchema>;

export const ActionItemDoneSchema = z.strictObject({
  intent: z.literal('done'),
  redirectTo: z.string().max(500).optional(),
});

/** Editing an action item (its text, assignee and due date) takes the same fields as adding one. */
export const ActionItemEditSchema = z.strictObject({
  intent: z.literal('edit'),
  text: ActionItemSchema.shape.text,
  assigneeId: ActionItemSchema.shape.assigneeId,
  dueDate: ActionItemSchema.shape.dueDate,
  redirectTo: z.string().max(500).optional(),
});
export const ActionItemDeleteSchema = z.strictObject({
  intent: z.literal('delete'),
  redirectTo: z.string().max(500).optional(),
});
export const ActionItemChangeSchema = z.discriminatedUnion(
  'intent',
  [ActionItemDoneSchema, ActionItemEditSchema, ActionItemDeleteSchema],
  {
    error: 'Unknown action',
  },
);
export type ActionItemChange = z.infer<typeof ActionItemChangeSchema>;

/** Two identical action items for a project within this time are one click too many (issue #21.5). */
export const DUPLICATE_ACTION_ITEM_MS = 60_000;

// Defined once in app/utils/params.ts; re-exported for the meeting routes that import it from here.
export { IdParamSchema } from '~/utils/params';

export const MeetingListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/** A verdict saved by someone else since the form was shown: what a stale update answers with (409). */
export interface ReviewConflict {
  verdict: HealthValue;
  feedback: string;
  reviewer: string;
  updatedAt: string;
  version: number;
}

/** A meeting service's refusal (a Result failure); a stale verdict carries the one saved meanwhile (409). */
export type MeetingRefusal = Refusal & { conflict?: ReviewConflict };

/** Starting more than this long before the scheduled time asks for a confirmation first (issue #21). */
export const EARLY_START_MINUTES = 60;
/** Who runs a meeting: starts it, records verdicts and action items, pulls and requests items, closes it. */
export const MEETING_RUNNERS = rolesFor('run-meetings');

/** Reads the role a guard returned (guards are the only place roles come from); the table is can.ts. */
export function runsMeetings(role: Role): boolean {
  return can({ role }, 'run-meetings');
}

export interface GoalValue {
  title: string;
  kind: GoalKind;
  unit: string | null;
  baseline: number | null;
  target: number | null;
  value: number | null;
  done: boolean | null;
}

/** Share of the way from baseline to target (0–1); milestones are 0 or 1. */
export function goalProgress(g: GoalValue): number | null {
  return g.kind === 'milestone' ? (g.done ? 1 : 0) : metricProgress(g, g.value);
}
