import { Form } from '@remix-run/react';
import { OversightBadge } from '~/components/badges';
import { ErrorList } from '~/components/ui/field';
import type { Failure, View } from './agenda-item';

/** Before closing: what closing will do, and a warning for discussed items without a verdict. */
export function CloseMeetingForm({ view, failure }: { view: View; failure?: Failure }) {
  const { reviewed, discussed } = view.progress;
  const missing = view.counts.missing;
  const accepted = view.consent.total;
  return (
    <section id="close-meeting" className="card" aria-labelledby="close-meeting-title" tabIndex={-1}>
      <h2 id="close-meeting-title">Close the meeting</h2>
      <p>
        {reviewed} of {discussed} discussed items have a verdict.
        {discussed > reviewed ? <strong> {discussed - reviewed} will be closed without a review.</strong> : null}
      </p>
      <p className="muted">
        Closing applies every verdict to the oversight engine, records a missed status for {missing} project{missing === 1 ? '' : 's'} without one,
        and accepts {accepted} consent item{accepted === 1 ? '' : 's'} without review. It cannot be undone.
      </p>
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="close" />
        <ErrorList errors={failure?.intent === 'close' ? failure.formErrors : undefined} />
        <button type="submit" className="button">
          Close meeting
        </button>
      </Form>
    </section>
  );
}

/** After closing: every level change with the engine's explanation. */
export function LevelChanges({ changes }: { changes: View['levelChanges'] }) {
  return (
    <section id="close-summary" className="card" aria-labelledby="close-summary-title" tabIndex={-1}>
      <h2 id="close-summary-title">Level changes</h2>
      {changes.length === 0 ? (
        <p>No oversight level changed at this meeting.</p>
      ) : (
        <ul className="level-changes">
          {changes.map((c, i) => (
            <li key={`${c.projectId}-${i}`}>
              <strong>{c.project}</strong>: <OversightBadge level={c.from} /> → <OversightBadge level={c.to} />
              <p className="explanation">{c.explanation}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
