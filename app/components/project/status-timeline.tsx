import { HealthBadge } from '~/components/badges';
import { formatDate, formatDateTime } from '~/utils/format';
import type { ProjectPageData } from './types';

type Status = ProjectPageData['statuses'][number];

/** Server-rendered markdown (markdown-it, raw HTML escaped, only http(s)/mailto links). */
function Markdown({ html }: { html: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * One page of the project's status updates, newest first, as a compact timeline: a line each (meeting, health,
 * the summary's first line); the full text opens in place (a disclosure: no script needed).
 */
export function StatusTimeline({ statuses, timeZone }: { statuses: Status[]; timeZone: string }) {
  if (statuses.length === 0) return <p className="muted">No status updates yet.</p>;
  return (
    <ol className="timeline compact">
      {statuses.map((s) => (
        <StatusItem key={s.id} s={s} timeZone={timeZone} />
      ))}
    </ol>
  );
}

function StatusItem({ s, timeZone }: { s: Status; timeZone: string }) {
  return (
    <li id={`status-${s.id}`}>
      <details>
        <summary>
          <span className="timeline-when">{formatDate(s.meetingAt, timeZone)}</span> <HealthBadge health={s.health} />
          {s.late ? <span className="badge health-at_risk">late</span> : null}{' '}
          <span className="timeline-line">{s.summaryLine}</span>
        </summary>
        <div className="timeline-body">
          <p className="muted">
            Meeting of {formatDate(s.meetingAt, timeZone)} · {s.author}, {formatDateTime(s.createdAt, timeZone)}
            {s.updatedAt !== s.createdAt ? ` (edited ${formatDateTime(s.updatedAt, timeZone)})` : ''}
          </p>
          <Markdown html={s.summaryHtml} />
          {s.risksHtml ? (
            <>
              <h3>Risks</h3>
              <Markdown html={s.risksHtml} />
            </>
          ) : null}
          {s.asksHtml ? (
            <>
              <h3>Asks for help</h3>
              <Markdown html={s.asksHtml} />
            </>
          ) : null}
        </div>
      </details>
    </li>
  );
}
