import { Form } from '@remix-run/react';
import type { HealthValue, LevelValue } from '../../../db/database';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { formatDateTime } from '~/utils/format';
import { ErrorList } from '~/components/ui/field';
import type { View } from './agenda-item';
import { formErrorOf, type Failure } from './failure';

export interface CloseSummaryData {
  reviews: number;
  missed: number;
  spillovers: number;
  accepted: number;
  levelChanges: { projectId: number; project: string; from: LevelValue; to: LevelValue; explanation: string }[];
  verdicts: { project: string; verdict: HealthValue }[];
  missedProjects: string[];
  notScored: string[];
  deadline: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Before closing: a first press asks for confirmation with what the close will do, computed by the close's own
 * code without writing (verdicts, missed statuses, every level change); the second press closes.
 */
export function CloseMeetingForm({
  view,
  failure,
  summary,
  timeZone,
}: {
  view: View;
  failure?: Failure;
  summary?: CloseSummaryData;
  timeZone: string;
}) {
  const { reviewed, discussed } = view.progress;
  const accepted = view.consent.total;
  return (
    <section id="close-meeting" className="card" aria-labelledby="close-meeting-title" tabIndex={-1}>
      <h2 id="close-meeting-title">Close the meeting</h2>
      <p>
        {reviewed} of {discussed} discussed items have a verdict.
        {discussed > reviewed ? <strong> {discussed - reviewed} will be closed without a review.</strong> : null}
      </p>
      {summary ? (
        <CloseConfirmation summary={summary} timeZone={timeZone} />
      ) : (
        <>
          <p className="muted">
            Closing applies every verdict to the oversight engine, records missed statuses whose deadline has passed,
            and accepts {accepted} consent item
            {accepted === 1 ? '' : 's'} without review. You will see what it changes and confirm first.
          </p>
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="close" />
            <ErrorList errors={failure?.intent === 'close' ? formErrorOf(failure) : undefined} />
            <button type="submit" className="button">
              Close meeting
            </button>
          </Form>
        </>
      )}
    </section>
  );
}

function CloseConfirmation({ summary, timeZone }: { summary: CloseSummaryData; timeZone: string }) {
  return (
    <div className="close-confirmation" role="region" aria-labelledby="close-confirm-title">
      <h3 id="close-confirm-title">Closing will do this</h3>
      <h4>{plural(summary.reviews, 'verdict', 'verdicts')} recorded</h4>
      {summary.verdicts.length > 0 ? (
        <ul>
          {summary.verdicts.map((v) => (
            <li key={v.project}>
              {v.project}: <HealthBadge health={v.verdict} />
            </li>
          ))}
        </ul>
      ) : null}
      <h4>{plural(summary.missed, 'missed status', 'missed statuses')}</h4>
      {summary.missedProjects.length > 0 ? (
        <p>Recorded as missed (no status by the deadline): {summary.missedProjects.join(', ')}.</p>
      ) : null}
      {summary.notScored.length > 0 ? (
        <p>
          Not scored: {summary.notScored.join(', ')} had no status, but the deadline (
          {formatDateTime(summary.deadline, timeZone)}) had not passed when the meeting started, so nothing is recorded
          for {summary.notScored.length === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
      <h4>{plural(summary.levelChanges.length, 'level change', 'level changes')}</h4>
      {summary.levelChanges.length > 0 ? (
        <ul className="level-changes">
          {summary.levelChanges.map((c, i) => (
            <li key={`${c.projectId}-${i}`}>
              <strong>{c.project}</strong>: <OversightBadge level={c.from} /> → <OversightBadge level={c.to} />
              <p className="explanation">{c.explanation}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p>No oversight level changes.</p>
      )}
      {summary.accepted > 0 ? (
        <p>{plural(summary.accepted, 'consent item is', 'consent items are')} accepted without review.</p>
      ) : null}
      <p>
        <strong>Closing cannot be undone.</strong>
      </p>
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="close" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" className="button">
          Confirm and close
        </button>{' '}
        <a href="?#close-meeting" className="button secondary">
          Not yet
        </a>
      </Form>
    </div>
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
