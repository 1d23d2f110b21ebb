import { Form } from '@remix-run/react';
import { ErrorList } from '~/components/ui/field';
import { formatDateTime } from '~/utils/format';
import type { View } from './agenda-item';
import { formErrorOf, type Failure } from './failure';

export interface EarlyStartData {
  scheduledAt: string;
  deadline: string;
  deadlinePassed: boolean;
  withoutStatus: number;
}

const projects = (n: number) => `${n} project${n === 1 ? '' : 's'}`;

/**
 * Starting a planned meeting: only the forum's next meeting can start, and a start well before the scheduled time
 * answers with what it will do and a second button that confirms (a form, so it works without JavaScript).
 */
export function StartMeeting({
  view,
  failure,
  early,
  timeZone,
}: {
  view: View;
  failure?: Failure;
  early?: EarlyStartData;
  timeZone: string;
}) {
  if (view.comesFirst) {
    return (
      <p className="notice start-meeting">
        Only the forum’s next meeting can start: the meeting of {formatDateTime(view.comesFirst.scheduledAt, timeZone)}{' '}
        comes first.
      </p>
    );
  }
  if (early) {
    return (
      <section className="card conflict start-meeting" aria-labelledby="early-start-title">
        <h2 id="early-start-title">Start this meeting early?</h2>
        <p>
          This meeting is scheduled for <strong>{formatDateTime(early.scheduledAt, timeZone)}</strong>. Starting it now:
        </p>
        <ul>
          <li>freezes the agenda as it is now and opens verdicts;</li>
          <li>
            closes status posting for this meeting:{' '}
            {early.deadlinePassed ? (
              <>
                the status deadline ({formatDateTime(early.deadline, timeZone)}) has passed, so the{' '}
                {projects(early.withoutStatus)} without a status will be recorded as missed when the meeting closes.
              </>
            ) : (
              <>
                owners lose the time left before their deadline ({formatDateTime(early.deadline, timeZone)}); the{' '}
                {projects(early.withoutStatus)} without a status yet will not be recorded as missed.
              </>
            )}
          </li>
        </ul>
        <Form method="post">
          <input type="hidden" name="intent" value="start" />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" className="button">
            Start now anyway
          </button>{' '}
          <a href="?" className="button secondary">
            Not yet
          </a>
        </Form>
      </section>
    );
  }
  return (
    <Form method="post" className="start-meeting">
      <input type="hidden" name="intent" value="start" />
      <p className="muted">Starting the meeting freezes this agenda and opens verdicts.</p>
      <ErrorList errors={failure?.intent === 'start' ? formErrorOf(failure) : undefined} />
      <button type="submit" className="button">
        Start meeting
      </button>
    </Form>
  );
}
