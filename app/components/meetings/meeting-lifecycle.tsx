import { Form } from '@remix-run/react';
import { ErrorList, Field } from '~/components/ui/field';
import { wallClock } from '~/modules/meetings/schedule';
import { formatDateTime } from '~/utils/format';
import { formErrorOf, type Failure } from './failure';

const pad = (n: number) => String(n).padStart(2, '0');

/** The meeting's day and time on the forum's clock, as the move form's fields take them. */
function civil(scheduledAt: string, timeZone: string) {
  const w = wallClock(new Date(scheduledAt), timeZone);
  return {
    date: `${w.year}-${pad(w.month)}-${pad(w.day)}`,
    time: `${pad(w.hour)}:${pad(w.minute)}`,
  };
}

/**
 * The chair's changes to a planned meeting (docs/decisions/013): move it to another day and time, or skip it with a
 * reason. Plain forms: they work without JavaScript, and a refused one comes back with what was typed.
 */
export function MeetingLifecycle({
  scheduledAt,
  timeZone,
  failure,
}: {
  scheduledAt: string;
  timeZone: string;
  failure?: Failure;
}) {
  const mine = (intent: string) => (failure?.intent === intent ? failure : undefined);
  const move = mine('move');
  const skip = mine('skip');
  const current = civil(scheduledAt, timeZone);
  return (
    <section id="meeting-lifecycle" className="card" aria-labelledby="meeting-lifecycle-title" tabIndex={-1}>
      <h2 id="meeting-lifecycle-title">Move or skip this meeting</h2>
      <Form method="post" aria-labelledby="move-title">
        <h3 id="move-title">Move</h3>
        <p className="muted">
          The new day and time are in the forum’s time zone ({timeZone}). The status deadline moves with the meeting.
        </p>
        <input type="hidden" name="intent" value="move" />
        <ErrorList errors={formErrorOf(move)} />
        <Field
          label="New date"
          name="date"
          type="date"
          required
          defaultValue={move?.values.date ?? current.date}
          errors={move?.fieldErrors.date}
        />
        <Field
          label="New time"
          name="time"
          type="time"
          required
          defaultValue={move?.values.time ?? current.time}
          errors={move?.fieldErrors.time}
        />
        <button type="submit" className="button secondary">
          Move meeting
        </button>
      </Form>
      <Form method="post" aria-labelledby="skip-title">
        <h3 id="skip-title">Skip</h3>
        <p className="muted">
          Nobody is marked as missing a status and no level changes. Statuses already posted count for the next meeting,
          and status forms open for its deadline. The meeting of {formatDateTime(scheduledAt, timeZone)} stays in the
          list as skipped.
        </p>
        <input type="hidden" name="intent" value="skip" />
        <ErrorList errors={formErrorOf(skip)} />
        <Field
          label="Reason for skipping"
          name="reason"
          required
          maxLength={500}
          defaultValue={skip?.values.reason ?? ''}
          errors={skip?.fieldErrors.reason}
        />
        <button type="submit" className="button secondary">
          Skip meeting
        </button>
      </Form>
    </section>
  );
}
