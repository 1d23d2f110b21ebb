import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '~/components/ui/field';
import { CADENCES, WEEKDAYS, previewMeetings, timeZones, toSchedule } from '~/modules/forums/forums';
import { formatDateTime, formatWeekday } from '~/utils/format';
// zod's small build: the browser bundle has no full zod (decision 020); the server validates the saved form.
import * as z from 'zod/mini';

type Values = Partial<
  Record<
    | 'cadence'
    | 'weekday'
    | 'meetingTime'
    | 'timeZone'
    | 'statusDeadlineHours'
    | 'statusReminderHours'
    | 'minutesPerReview',
    string | number
  >
>;
type Errors = Record<string, string[] | undefined> | undefined;

const ZONE_LIST_ID = 'time-zones';

/** The schedule fields shared by "new forum" and the forum's settings. Plain inputs: they work without JavaScript. */
export function ScheduleFields({
  values,
  errors,
  zones,
}: {
  values: Values;
  errors: Errors;
  zones: readonly string[];
}) {
  const v = (k: keyof Values) => (values[k] === undefined ? undefined : String(values[k]));
  return (
    <>
      <SelectField
        label="How often it meets"
        name="cadence"
        options={CADENCES}
        defaultValue={v('cadence')}
        errors={errors?.cadence}
        id="schedule-cadence"
      />
      <SelectField
        label="Weekday"
        name="weekday"
        options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))}
        defaultValue={v('weekday')}
        errors={errors?.weekday}
        id="schedule-weekday"
      />
      <Field
        label="Time (24-hour, HH:MM)"
        name="meetingTime"
        defaultValue={v('meetingTime')}
        errors={errors?.meetingTime}
        id="schedule-time"
        inputMode="numeric"
        autoComplete="off"
        placeholder="10:00"
      />
      <Field
        label="Time zone"
        name="timeZone"
        defaultValue={v('timeZone')}
        errors={errors?.timeZone}
        id="schedule-zone"
        list={ZONE_LIST_ID}
        autoComplete="off"
        hint="An IANA zone such as Europe/London or America/New_York: meetings stay at this wall-clock time across daylight-saving changes."
      />
      <datalist id={ZONE_LIST_ID}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <Field
        label="Status deadline (hours before the meeting)"
        name="statusDeadlineHours"
        type="number"
        min={0}
        max={336}
        defaultValue={v('statusDeadlineHours')}
        errors={errors?.statusDeadlineHours}
        id="schedule-deadline"
      />
      <Field
        label="Remind owners of a missing status (hours before the deadline)"
        name="statusReminderHours"
        type="number"
        min={1}
        max={336}
        defaultValue={v('statusReminderHours') ?? 24}
        errors={errors?.statusReminderHours}
        id="schedule-reminder"
      />
      <Field
        label="Minutes per review"
        name="minutesPerReview"
        type="number"
        min={1}
        max={240}
        defaultValue={v('minutesPerReview')}
        errors={errors?.minutesPerReview}
        id="schedule-minutes"
      />
    </>
  );
}

/** The fields the preview needs, as scheduleFields (forums.ts) reads them; a failure only hides the preview. */
const LiveSchedule = z.object({
  cadence: z.enum(['weekly', 'biweekly', 'monthly']),
  weekday: z.coerce.number().check(z.multipleOf(1), z.gte(0), z.lte(6)),
  meetingTime: z.string().check(z.trim(), z.regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
  timeZone: z.string().check(
    z.trim(),
    z.refine((tz) => timeZones().has(tz)),
  ),
});

/**
 * The next meeting dates, live while the chair edits (with JavaScript): a form's onChange handler. Without
 * JavaScript the "Preview" button asks the server for the same dates.
 */
export function useLivePreview(lastHeld: string | null) {
  const [live, setLive] = useState<{
    dates: string[];
    timeZone: string;
  } | null>(null);
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const data = Object.fromEntries(new FormData(event.currentTarget));
    const parsed = LiveSchedule.safeParse(data);
    if (!parsed.success) return setLive(null);
    const dates = previewMeetings(toSchedule(parsed.data), {
      lastHeld: lastHeld ? new Date(lastHeld) : null,
      now: new Date(),
    });
    setLive({
      dates: dates.map((d) => d.toISOString()),
      timeZone: parsed.data.timeZone,
    });
  };
  return { live, onChange };
}

export function MeetingPreview({
  dates,
  timeZone,
  title,
}: {
  dates: readonly string[];
  timeZone: string;
  title: string;
}) {
  return (
    <section aria-labelledby="preview-title" className="card" aria-live="polite">
      <h3 id="preview-title">{title}</h3>
      {dates.length ? (
        <ol className="preview-dates">
          {dates.map((d) => (
            <li key={d}>
              <time dateTime={d}>
                {formatWeekday(d, timeZone)} {formatDateTime(d, timeZone)}
              </time>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No dates.</p>
      )}
    </section>
  );
}
