import { formatDate } from '~/utils/format';

/** A project's next review as the review schedule gives it (decision 019): the same words on every page. */
export interface NextReviewView {
  at: string | Date | null;
  when: string;
  label: string;
  reason: string;
}

/**
 * "This meeting (7 Dec 2026) · Status missing" for a review at the coming meeting, "21 Dec 2026 (in 3 meetings)"
 * later. `meetingsUntil` 0 is the coming meeting.
 */
export function NextReviewText({
  review,
  meetingsUntil,
  timeZone,
}: {
  review: NextReviewView | null | undefined;
  meetingsUntil: number;
  timeZone: string;
}) {
  if (!review) return <>—</>;
  const date = review.at ? formatDate(review.at, timeZone) : null;
  if (meetingsUntil === 0) {
    return (
      <>
        <strong>This meeting{date ? ` (${date})` : ''}</strong> <span className="muted">· {review.label}</span>
      </>
    );
  }
  return <>{date ? `${date} (${review.when})` : review.when}</>;
}
