import { z } from 'zod';
import { dateSchema } from '~/utils/date-schema';

// The chair's changes to a planned meeting (issue #16, docs/decisions/013): skip it with a reason, or move it.

export const SKIP_REASON_MAX = 500;

export const SkipMeetingSchema = z.strictObject({
  intent: z.literal('skip'),
  reason: z
    .string({ error: 'Say why the meeting is skipped' })
    .trim()
    .min(1, 'Say why the meeting is skipped')
    .max(SKIP_REASON_MAX, `Keep the reason under ${SKIP_REASON_MAX} characters`)
    .refine((v) => !/[\r\n]/.test(v), 'Keep the reason on one line'),
});

export const MoveMeetingSchema = z.strictObject({
  intent: z.literal('move'),
  /** The new day and time, on the forum's clock (its time zone). */
  date: dateSchema(),
  time: z
    .string({ error: 'Enter a time as HH:MM' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time as HH:MM (24-hour)'),
});

export const MeetingLifecycleSchema = z.discriminatedUnion('intent', [SkipMeetingSchema, MoveMeetingSchema], {
  error: 'Unknown action',
});
export type MeetingLifecycleAction = z.infer<typeof MeetingLifecycleSchema>;

export const NOTES_MAX = 50_000;

const userId = z.coerce
  .number({ error: 'Choose members of this forum' })
  .int('Choose members of this forum')
  .positive('Choose members of this forum')
  .max(2 ** 53 - 1);

/** Who attended: the ticked members (checkboxes named `attendees`, read with getAll). */
export const AttendanceSchema = z.strictObject({
  intent: z.literal('attendance'),
  attendees: z.array(userId).max(5_000, 'Too many people'),
});

/** The meeting's notes, in Markdown (rendered safely: raw HTML is shown as text). */
export const NotesSchema = z.strictObject({
  intent: z.literal('notes'),
  notes: z
    .string()
    .max(NOTES_MAX, `Keep the notes under ${NOTES_MAX.toLocaleString('en-GB')} characters`)
    .transform((v) => v.replace(/\r\n/g, '\n').trimEnd())
    .default(''),
});

/** The chair's forms on the meeting page: move, skip, attendance and notes. */
export const ChairMeetingSchema = z.discriminatedUnion(
  'intent',
  [SkipMeetingSchema, MoveMeetingSchema, AttendanceSchema, NotesSchema],
  { error: 'Unknown action' },
);
export type ChairMeetingAction = z.infer<typeof ChairMeetingSchema>;
export const CHAIR_MEETING_INTENTS = ['skip', 'move', 'attendance', 'notes'] as const;
/** Which of the meeting page's forms was sent, read from its intent: the chair's, and of those the attendance. */
const ChairFormSchema = z.looseObject({ intent: z.enum(CHAIR_MEETING_INTENTS) });
export function chairMeetingIntent(formData: FormData): ChairMeetingAction['intent'] | null {
  const parsed = ChairFormSchema.safeParse(Object.fromEntries(formData));
  return parsed.success ? parsed.data.intent : null;
}

/** The account page's calendar-link forms: make (or remake) the secret link, or turn it off. */
export const CalendarTokenSchema = z.discriminatedUnion(
  'intent',
  [z.strictObject({ intent: z.literal('calendar-issue') }), z.strictObject({ intent: z.literal('calendar-revoke') })],
  {
    error: 'Unknown action',
  },
);
