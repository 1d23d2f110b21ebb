import type { SerializeFrom } from '@remix-run/node';
import { Link } from '~/components/ui/link';
import type { MyLevelChange } from '~/modules/oversight/my-level-changes.server';
import { levelLabel } from '~/oversight';
import { formatDate } from '~/utils/format';

/** An owner's home: which of their projects changed level at the last meeting, and why. */
export function MyLevelChanges({ changes }: { changes: SerializeFrom<MyLevelChange>[] }) {
  if (changes.length === 0) return null;
  return (
    <section aria-labelledby="my-level-changes-title">
      <h2 id="my-level-changes-title">Your projects’ level changes at the last meeting</h2>
      <ul className="level-changes">
        {changes.map((c, i) => (
          <li key={`${c.projectId}-${i}`} className="card">
            <Link to={`/forums/${c.slug}/projects/${c.projectId}`}>
              <strong>{c.project}</strong>
            </Link>{' '}
            <strong className={`level-change level-${c.to}`}>
              {levelLabel(c.from)} → {levelLabel(c.to)}
            </strong>
            <div className="muted">
              {c.forum},{' '}
              <Link to={`/forums/${c.slug}/meetings/${c.meetingId}`}>
                meeting of {formatDate(c.meetingAt, c.timeZone)}
              </Link>
            </div>
            <p className="explanation">{c.explanation}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
