import { HealthBadge } from '~/components/badges';
import { formatDate, formatDateTime } from '~/utils/format';
import type { ProjectPageData } from './types';

type Status = ProjectPageData['statuses'][number];

/** Server-rendered markdown (markdown-it, raw HTML escaped, only http(s)/mailto links). */
function Markdown({ html }: { html: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** One page of the project's status updates, newest first, in full. */
export function StatusTimeline({ statuses, timeZone }: { statuses: Status[]; timeZone: string }) {
  if (statuses.length === 0) return <p className="muted">No status updates yet.</p>;
  return (
    <ol className="timeline">
      {statuses.map((s) => (
        <StatusItem key={s.id} s={s} timeZone={timeZone} />
      ))}
    </ol>
  );
}

function StatusItem({ s, timeZone }: { s: Status; timeZone: string }) {
  return (
    <li id={`status-${s.id}`} className="card">
      <article aria-labelledby={`status-${s.id}-title`}>
        <h3 id={`status-${s.id}-title`}>
          Meeting of {formatDate(s.meetingAt, timeZone)} <HealthBadge health={s.health} />
          {s.late ? <span className="badge health-at_risk">late</span> : null}
        </h3>
        <p className="muted">
          {s.author}, {formatDateTime(s.createdAt, timeZone)}
          {s.updatedAt !== s.createdAt ? ` (edited ${formatDateTime(s.updatedAt, timeZone)})` : ''}
        </p>
        <Markdown html={s.summaryHtml} />
        {s.risksHtml ? (
          <>
            <h4>Risks</h4>
            <Markdown html={s.risksHtml} />
          </>
        ) : null}
        {s.asksHtml ? (
          <>
            <h4>Asks for help</h4>
            <Markdown html={s.asksHtml} />
          </>
        ) : null}
      </article>
    </li>
  );
}
