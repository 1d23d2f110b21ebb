import type { SerializeFrom } from '@remix-run/node';
import { Form } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { More, countedTitle } from '~/components/more';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import type { ForumHome } from '~/modules/home/home.server';
import { formatDate, formatDateTime } from '~/utils/format';

type Home = SerializeFrom<ForumHome>;
type MyProject = Home['projects'][number];

function CycleStatus({
  project,
  deadline,
  timeZone,
}: {
  project: MyProject;
  deadline: string | null;
  timeZone: string;
}) {
  switch (project.cycle) {
    case 'posted':
      return (
        <>
          Posted <HealthBadge health={project.health} />
          {project.late ? <span className="badge health-at_risk">late</span> : null}
        </>
      );
    case 'due':
      return <>Due by {deadline ? formatDateTime(deadline, timeZone) : 'the deadline'}</>;
    case 'overdue':
      return (
        <>
          <span className="badge health-off_track">Overdue</span> the deadline was{' '}
          {deadline ? formatDateTime(deadline, timeZone) : 'earlier'}; post now, it counts as late
        </>
      );
    case 'missed':
      return <>Not posted: the meeting has started</>;
    case 'no_meeting':
      return <span className="muted">No meeting planned</span>;
  }
}

function projectColumns(home: Home): DataColumn<MyProject>[] {
  const { slug, timeZone } = home.forum;
  return [
    {
      id: 'project',
      header: 'Project',
      accessorFn: (p) => p.name,
      cell: ({ row }) => <Link to={`/forums/${slug}/projects/${row.original.id}`}>{row.original.name}</Link>,
    },
    {
      id: 'level',
      header: 'Level',
      accessorFn: (p) => p.level,
      cell: ({ row }) => <OversightBadge level={row.original.level} escalated={row.original.escalated} />,
    },
    {
      id: 'next_review',
      header: 'Next review',
      accessorFn: (p) => p.nextReview,
      cell: ({ row }) =>
        row.original.nextReview === null ? (
          <span className="muted">Not scheduled</span>
        ) : row.original.reviewThisMeeting ? (
          <strong>Next meeting ({formatDate(row.original.nextReview, timeZone)})</strong>
        ) : (
          formatDate(row.original.nextReview, timeZone)
        ),
    },
    {
      id: 'cycle',
      header: 'This cycle’s status',
      accessorFn: (p) => p.cycle,
      cell: ({ row }) => <CycleStatus project={row.original} deadline={home.deadline} timeZone={timeZone} />,
    },
    {
      id: 'post',
      header: 'Status',
      cell: ({ row }) =>
        row.original.canPost ? (
          <Link
            className={`button small${row.original.cycle === 'posted' ? ' secondary' : ''}`}
            to={`/forums/${slug}/projects/${row.original.id}/status`}
          >
            {row.original.cycle === 'posted' ? 'Edit status' : 'Post status'}
            <span className="skip-link"> for {row.original.name}</span>
          </Link>
        ) : (
          <span className="muted">Closed</span>
        ),
    },
  ];
}

function MyProjects({ home, headingId }: { home: Home; headingId: string }) {
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{countedTitle('My projects', home.projects.length, home.projectCount)}</h3>
      <DataTable
        caption={`My projects in ${home.forum.name}`}
        columns={projectColumns(home)}
        data={home.projects}
        getRowId={(p) => String(p.id)}
        priority={['project', 'level', 'cycle', 'post']}
      />
      <More
        shown={home.projects.length}
        total={home.projectCount}
        to={`/forums/${home.forum.slug}?owner=${home.userId}`}
      >
        of my projects, on the dashboard
      </More>
    </section>
  );
}

function NextMeeting({ home, headingId }: { home: Home; headingId: string }) {
  const { meeting, forum } = home;
  if (!meeting) return null;
  const href = `/forums/${forum.slug}/meetings/${meeting.id}`;
  const missingLabel = meeting.deadlinePassed ? 'Statuses missing' : 'Statuses not in yet';
  return (
    <section aria-labelledby={headingId} className="card next-meeting">
      <h3 id={headingId}>
        Next meeting: <Link to={href}>{formatDateTime(meeting.scheduledAt, forum.timeZone)}</Link>
        {meeting.state === 'in_progress' ? <span className="badge meeting-in_progress">In progress</span> : null}
      </h3>
      <p className="muted">
        {meeting.exceptionCount} exception
        {meeting.exceptionCount === 1 ? '' : 's'}, {meeting.due} due by cadence, {meeting.consent} on the consent agenda
        · statuses due by {formatDateTime(meeting.deadline, forum.timeZone)}
      </p>
      <div className="home-columns">
        <div>
          <h4>Exceptions ({meeting.exceptionCount})</h4>
          {meeting.exceptionCount === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="home-list">
              {meeting.exceptions.map((e) => (
                <li key={e.projectId}>
                  <Link to={`/forums/${forum.slug}/projects/${e.projectId}`}>{e.name}</Link>{' '}
                  <span className="muted">— {e.reason}</span>
                </li>
              ))}
            </ul>
          )}
          <More shown={meeting.exceptions.length} total={meeting.exceptionCount} to={href}>
            on the agenda
          </More>
        </div>
        <div>
          <h4>
            {missingLabel} ({meeting.withoutStatusCount})
          </h4>
          {meeting.withoutStatusCount === 0 ? (
            <p className="muted">Every project has posted.</p>
          ) : (
            <ul className="home-list">
              {meeting.withoutStatus.map((p) => (
                <li key={p.projectId}>
                  <Link to={`/forums/${forum.slug}/projects/${p.projectId}`}>{p.name}</Link>{' '}
                  <span className="muted">— {p.owner}</span>
                </li>
              ))}
            </ul>
          )}
          <More
            shown={meeting.withoutStatus.length}
            total={meeting.withoutStatusCount}
            to={`/forums/${forum.slug}?sort=status_age&dir=desc`}
          >
            on the dashboard, oldest status first
          </More>
        </div>
      </div>
      {meeting.state === 'planned' && home.canStart ? (
        // The meeting page's own start action: an early start answers there with its confirmation.
        <Form method="post" action={href} className="actions">
          <input type="hidden" name="intent" value="start" />
          <button type="submit" className="button">
            Start meeting
          </button>
          <Link to={href} className="button secondary">
            Open the agenda
          </Link>
        </Form>
      ) : (
        <p className="actions">
          <Link to={href} className="button secondary">
            {meeting.state === 'in_progress' ? 'Join the meeting' : 'Open the agenda'}
          </Link>
        </p>
      )}
    </section>
  );
}

const ROLE_LABEL = {
  chair: 'Chair',
  leader: 'Leader',
  owner: 'Owner',
  observer: 'Observer',
} as const;

/**
 * One forum's part of the home page: the next meeting for those who run it, then the member's own projects. On the
 * forum's own page (`inForum`) the same section comes first, headed "My work" (issue #20: a member of one forum
 * lands there), and says nothing when nothing waits.
 */
export function ForumHomeSection({ home, inForum = false }: { home: Home; inForum?: boolean }) {
  const id = `home-${home.forum.slug}`;
  const empty = home.projects.length === 0 && !home.meeting;
  if (inForum && empty) return null;
  return (
    <section aria-labelledby={id} className="forum-home">
      <h2 id={id}>
        {inForum ? 'My work' : <Link to={`/forums/${home.forum.slug}`}>{home.forum.name}</Link>}{' '}
        <span className="muted role">{ROLE_LABEL[home.role]}</span>
      </h2>
      <NextMeeting home={home} headingId={`${id}-meeting`} />
      {home.projects.length > 0 ? <MyProjects home={home} headingId={`${id}-projects`} /> : null}
      {empty ? (
        <p className="muted">
          Nothing waits for you here. <Link to={`/forums/${home.forum.slug}`}>See all projects</Link>.
        </p>
      ) : null}
    </section>
  );
}
