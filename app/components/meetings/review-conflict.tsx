import { HealthBadge } from '~/components/badges';
import { formatDateTime } from '~/utils/format';
import type { Failure } from './agenda-item';

/** A stale verdict form's answer (409): what the colleague saved, above the form that keeps what this user typed. */
export function ReviewConflict({
  conflict,
  timeZone,
}: {
  conflict: NonNullable<Failure['conflict']>;
  timeZone: string;
}) {
  return (
    <div className="card conflict" role="alert">
      <p>
        <strong>{conflict.reviewer}</strong> saved this verdict at {formatDateTime(conflict.updatedAt, timeZone)}:{' '}
        <HealthBadge health={conflict.verdict} />
      </p>
      {conflict.feedback ? <p className="feedback">“{conflict.feedback}”</p> : <p className="muted">No feedback.</p>}
      <p className="muted">
        Your verdict and feedback are kept below. Send them again to replace what {conflict.reviewer} saved, or change
        them first.
      </p>
    </div>
  );
}
