import { z } from 'zod';
import type { Cadence } from '../../../db/database';
import { nextOccurrences, type ForumSchedule } from '~/modules/meetings/schedule';

// The forms that set a forum up: the admin's "new forum" and the chair's settings share these fields.

export const CADENCES = [
  { value: 'weekly', label: 'Weekly' },
  { value: 'biweekly', label: 'Every 2 weeks' },
  { value: 'monthly', label: 'Monthly (first weekday of the month)' },
] as const satisfies readonly { value: Cadence; label: string }[];

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** How many meeting dates the schedule preview shows. */
export const PREVIEW_COUNT = 4;

let zones: Set<string> | null = null;
/** IANA zones this runtime knows (Intl.supportedValuesOf), plus UTC, which it lists under its canonical names only. */
export function timeZones(): Set<string> {
  zones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  return zones;
}

const int = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter ${label} as a whole number` })
    .int(`Enter ${label} as a whole number`)
    .min(min, `${label[0].toUpperCase()}${label.slice(1)} must be at least ${min}`)
    .max(max, `${label[0].toUpperCase()}${label.slice(1)} must be at most ${max}`);

export const forumName = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'Keep the name under 120 characters');
export const forumSlug = z
  .string({ error: 'Enter a short name for the address' })
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters')
  .max(63, 'Keep it under 64 characters')
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'Use lowercase letters, digits and hyphens, starting with a letter or digit');

export const scheduleFields = {
  cadence: z.enum(['weekly', 'biweekly', 'monthly'], {
    error: 'Choose how often the forum meets',
  }),
  weekday: z.coerce
    .number({ error: 'Choose a weekday' })
    .int('Choose a weekday')
    .min(0, 'Choose a weekday')
    .max(6, 'Choose a weekday'),
  meetingTime: z
    .string({ error: 'Enter a time as HH:MM' })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time as HH:MM (24-hour)'),
  timeZone: z
    .string({ error: 'Enter a time zone' })
    .trim()
    .min(1, 'Enter a time zone, such as Europe/London')
    .refine((tz) => timeZones().has(tz), 'Enter a time zone from the list, such as Europe/London or America/New_York'),
  statusDeadlineHours: int('the status deadline', 0, 336),
  // Optional: forms and scripts written before it (issue #16) keep working; the database's default is 24 hours.
  statusReminderHours: int('the reminder lead time', 1, 336).optional(),
  minutesPerReview: int('the minutes per review', 1, 240),
};

export const CreateForumSchema = z.strictObject({
  name: forumName,
  slug: forumSlug,
  ...scheduleFields,
});
export type CreateForumInput = z.infer<typeof CreateForumSchema>;

/** Admin → Forums: create a forum, or restore an archived one (a button in its row). */
export const AdminForumActionSchema = z.discriminatedUnion(
  'intent',
  [
    CreateForumSchema.extend({ intent: z.literal('create') }),
    z.strictObject({
      intent: z.literal('restore'),
      forumId: z.coerce
        .number({ error: 'Choose a forum to restore' })
        .int('Choose a forum to restore')
        .positive('Choose a forum to restore')
        .max(Number.MAX_SAFE_INTEGER, 'Choose a forum to restore'),
    }),
  ],
  { error: 'Unknown action' },
);

export const ForumGeneralSchema = z.strictObject({
  intent: z.literal('general'),
  name: forumName,
  slug: forumSlug,
});
export const ForumScheduleSchema = z.strictObject({
  intent: z.literal('schedule'),
  ...scheduleFields,
});
export const ForumPreviewSchema = z.strictObject({
  intent: z.literal('preview'),
  ...scheduleFields,
});
export const ForumArchiveSchema = z.strictObject({
  intent: z.literal('archive'),
  confirm: z.literal('archive', { error: 'Tick the box to confirm' }),
});
export const ForumSettingsSchema = z.discriminatedUnion(
  'intent',
  [ForumGeneralSchema, ForumScheduleSchema, ForumPreviewSchema, ForumArchiveSchema],
  {
    error: 'Unknown action',
  },
);
export type ScheduleInput = z.infer<typeof ForumScheduleSchema>;

export function toSchedule(
  input: Pick<ScheduleInput, 'cadence' | 'weekday' | 'meetingTime' | 'timeZone'>,
): ForumSchedule {
  return {
    cadence: input.cadence,
    weekday: input.weekday,
    meetingTime: input.meetingTime,
    timeZone: input.timeZone,
  };
}

/**
 * The next meeting times a schedule gives, continuing after the forum's latest meeting that has started (the
 * planned ones are what a change re-plans). Pure, so the settings page previews the same dates in the browser.
 */
export function previewMeetings(
  schedule: ForumSchedule,
  { lastHeld, now, count = PREVIEW_COUNT }: { lastHeld: Date | null; now: Date; count?: number },
): Date[] {
  return nextOccurrences(schedule, { after: lastHeld, now, count });
}
