import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { Pagination } from '~/components/pagination';
import { GoalProgressList } from '~/components/project/goal-progress';
import { NextReviewText } from '~/components/next-review';
import { OversightHistory } from '~/components/project/oversight-history';
import { StatusTimeline } from '~/components/project/status-timeline';
import type { ProjectPageData } from '~/components/project/types';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import { OverrideSchema } from '~/modules/oversight/override';
import { overrideOversightLevel } from '~/modules/oversight/override.server';
import { getProjectPage } from '~/modules/projects/project-page.server';
import {
  assertProjectActive,
  canManageProject,
  getProjectInForum,
  requireIdParam,
} from '~/modules/projects/project.server';
import { getDb } from '~/utils/db.server';
import { forumPageData } from '~/utils/page-cache.server';
import { reviewScheduleFor } from '~/modules/meetings/next-review.server';
import { formatDate, pageNow } from '~/utils/format';
import { parseFormData } from '~/utils/forms';
import { invalidForm } from '~/utils/forms.server';
import { readPageParam, withPageParam } from '~/utils/paging';
import { pageData } from '~/utils/page-data.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.project.name ?? 'Project'} · Inspection Forum` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['events', 'updates', 'reviews', 'history']);
  const access = await requireForumRole(request, params.slug);
  const projectId = requireIdParam(params.id);
  const { searchParams } = new URL(request.url);
  // Years of weekly history: each list a page at a time, newest first, read a page at a time (issue #17).
  const query = {
    updates: readPageParam(searchParams, 'updates'),
    reviews: readPageParam(searchParams, 'reviews'),
    history: readPageParam(searchParams, 'history'),
    // The oversight history shows the level changes unless all events are asked for (?events=all).
    changesOnly: searchParams.get('events') !== 'all',
  };
  const { statuses, reviews, events, paging, ...page } = await forumPageData(
    access.forum,
    `project:${projectId}:${query.updates}:${query.reviews}:${query.history}:${query.changesOnly ? 1 : 0}`,
    () => {
      const db = getDb();
      // Its next review from the forum's schedule when another page computed it at this version (decision 028).
      const schedule = reviewScheduleFor(db, access.forum, [projectId]);
      return getProjectPage(db, { forumId: access.forum.id, projectId, page: query, schedule });
    },
  );
  const changesOnly = query.changesOnly;
  return pageData({
    forum: { slug: access.forum.slug, name: access.forum.name, timeZone: access.forum.timeZone },
    ...page,
    statuses: { items: statuses, ...paging.updates },
    reviews: { items: reviews, ...paging.reviews },
    events: { items: events, ...paging.history },
    changesOnly,
    // An archived project is read-only: its history stays, its forms are gone until the chair unarchives it.
    canManage: !page.project.archived && canManageProject(access, page.project.ownerId),
    canOverride: !page.project.archived && can(access, 'override-level'),
    canChangeOwner: !page.project.archived && can(access, 'change-owner'),
    canEdit: can(access, 'edit-project'),
    now: pageNow(),
  });
}

/** The page's one form: a chair's or leader's override of the oversight level, with a required reason. */
export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair', 'leader']);
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  assertProjectActive(project);
  const parsed = parseFormData(await request.formData(), OverrideSchema);
  if (!parsed.ok) return invalidForm(parsed);
  await overrideOversightLevel(db, {
    projectId: project.id,
    forumId: access.forum.id,
    userId: access.user.id,
    input: parsed.data,
    request,
  });
  return redirect(`/forums/${access.forum.slug}/projects/${project.id}#oversight-history`, 303);
}

type Review = ProjectPageData['reviews'][number];
type ActionItem = ProjectPageData['actionItems'][number];

function reviewColumns(timeZone: string): DataColumn<Review>[] {
  return [
    {
      id: 'meeting',
      header: 'Meeting',
      accessorFn: (r) => r.meetingAt,
      cell: ({ row }) => formatDate(row.original.meetingAt, timeZone),
    },
    {
      id: 'verdict',
      header: 'Verdict',
      accessorFn: (r) => r.verdict,
      cell: ({ row }) => <HealthBadge health={row.original.verdict} />,
    },
    {
      id: 'self_report',
      header: 'Owner’s self-report',
      accessorFn: (r) => r.selfReport,
      cell: ({ row }) => (
        <>
          <HealthBadge health={row.original.selfReport} />
          {row.original.selfReport !== row.original.verdict ? <span className="muted"> (differs)</span> : null}
        </>
      ),
    },
    { id: 'reviewer', header: 'Reviewer', accessorFn: (r) => r.reviewer },
    {
      id: 'feedback',
      header: 'Feedback',
      accessorFn: (r) => r.feedback,
      cell: ({ row }) => <span className="prewrap">{row.original.feedback}</span>,
    },
  ];
}

function actionItemColumns(timeZone: string): DataColumn<ActionItem>[] {
  return [
    {
      id: 'text',
      header: 'Action',
      accessorFn: (a) => a.text,
      cell: ({ row }) => <span className="prewrap">{row.original.text}</span>,
    },
    {
      id: 'assignee',
      header: 'Assignee',
      accessorFn: (a) => a.assignee,
      cell: ({ row }) => row.original.assignee ?? <span className="muted">Unassigned</span>,
    },
    {
      id: 'due',
      header: 'Due',
      accessorFn: (a) => a.dueDate,
      cell: ({ row }) => (row.original.dueDate ? formatDate(row.original.dueDate, 'UTC') : '—'),
    },
    {
      id: 'done',
      header: 'Done',
      accessorFn: (a) => a.doneAt,
      cell: ({ row }) =>
        row.original.doneAt ? `Done ${formatDate(row.original.doneAt, timeZone)}` : <strong>Open</strong>,
    },
  ];
}

export default function ProjectPage() {
  const {
    forum,
    project,
    goals,
    statuses,
    reviews,
    actionItems,
    events,
    eventCount,
    changesOnly,
    levelPoints,
    canManage,
    canOverride,
    canChangeOwner,
    canEdit,
    now,
    comingMeeting,
    nextReview,
    currentStatus,
  } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const override = useActionData<typeof action>();
  const base = `/forums/${forum.slug}/projects/${project.id}`;
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link>
      </p>
      <h1>
        {project.name} {project.archived ? <span className="badge">archived</span> : null}
      </h1>
      {project.archived ? (
        <p className="notice" role="note">
          <strong>Archived.</strong> This project is off the dashboard, the agendas and the statuses due; its history is
          kept as it was.
          {canEdit ? (
            <>
              {' '}
              <Link to={`${base}/edit`}>Unarchive it</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <p>
        Owner: <strong>{project.ownerName}</strong>
        {canChangeOwner ? (
          <>
            {' '}
            · <Link to={`${base}/owner`}>Change owner</Link>
          </>
        ) : null}
        {canEdit && !project.archived ? (
          <>
            {' '}
            · <Link to={`${base}/edit`}>Edit or archive</Link>
          </>
        ) : null}
      </p>
      {project.description ? <p className="prewrap">{project.description}</p> : null}
      {canManage ? (
        <p className="actions">
          <Link className="button" to={`${base}/status`}>
            Post or edit status
          </Link>{' '}
          <Link className="button secondary" to={`${base}/goals`}>
            Edit goals
          </Link>
        </p>
      ) : null}

      <section className="card this-cycle" aria-labelledby="cycle-title">
        <h2 id="cycle-title">This cycle’s status</h2>
        {comingMeeting === null ? (
          <p className="muted">No meeting is planned.</p>
        ) : currentStatus ? (
          <>
            <p>
              For the meeting of {formatDate(comingMeeting.scheduledAt, forum.timeZone)}:{' '}
              <HealthBadge health={currentStatus.health} />
              {currentStatus.late ? <span className="badge health-at_risk">late</span> : null}{' '}
              <span className="muted">
                {currentStatus.author}, {formatDate(currentStatus.createdAt, forum.timeZone)}
              </span>
            </p>
            <div className="markdown" dangerouslySetInnerHTML={{ __html: currentStatus.summaryHtml }} />
            {currentStatus.risksHtml ? (
              <>
                <h3>Risks</h3>
                <div className="markdown" dangerouslySetInnerHTML={{ __html: currentStatus.risksHtml }} />
              </>
            ) : null}
            {currentStatus.asksHtml ? (
              <>
                <h3>Asks for help</h3>
                <div className="markdown" dangerouslySetInnerHTML={{ __html: currentStatus.asksHtml }} />
              </>
            ) : null}
          </>
        ) : (
          <p>
            <HealthBadge health={null} /> yet for the meeting of {formatDate(comingMeeting.scheduledAt, forum.timeZone)}
            .
          </p>
        )}
      </section>

      <section aria-labelledby="goals-title">
        <h2 id="goals-title">Goals</h2>
        <GoalProgressList goals={goals} timeZone={forum.timeZone} />
      </section>

      <section className="card oversight-summary" aria-labelledby="oversight-title">
        <h2 id="oversight-title">Oversight</h2>
        <p>
          <OversightBadge level={project.level} escalated={project.escalated} /> Reviewed at least every{' '}
          {project.interval === 1 ? 'meeting' : `${project.interval} meetings`}. {project.progress}.
        </p>
        {project.archived ? null : (
          <p className="next-review">
            Next review:{' '}
            <NextReviewText
              review={nextReview}
              meetingsUntil={nextReview?.meetingsUntil ?? 0}
              timeZone={forum.timeZone}
            />
            {nextReview ? <span className="muted"> — {nextReview.reason}</span> : null}
          </p>
        )}
        {project.explanation ? <p className="muted">Latest: {project.explanation}</p> : null}
      </section>

      <section aria-labelledby="statuses-title">
        <h2 id="statuses-title">Status history</h2>
        <StatusTimeline statuses={statuses.items} timeZone={forum.timeZone} />
        <Pagination
          label="Status update pages"
          page={statuses.page}
          pages={statuses.pages}
          href={(n) => `${withPageParam(search, 'updates', n)}#statuses-title`}
        />
      </section>

      <section aria-labelledby="reviews-title">
        <h2 id="reviews-title">Reviews</h2>
        <DataTable
          caption="Reviews and leader feedback"
          columns={reviewColumns(forum.timeZone)}
          data={reviews.items}
          getRowId={(r) => String(r.id)}
          empty="No reviews yet."
          priority={['meeting', 'verdict', 'feedback']}
        />
        <Pagination
          label="Review pages"
          page={reviews.page}
          pages={reviews.pages}
          href={(n) => `${withPageParam(search, 'reviews', n)}#reviews-title`}
        />
      </section>

      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Action items</h2>
        <DataTable
          caption="Action items"
          columns={actionItemColumns(forum.timeZone)}
          data={actionItems}
          getRowId={(a) => String(a.id)}
          empty="No action items."
        />
      </section>

      <section aria-labelledby="oversight-history-title" id="oversight-history">
        <h2 id="oversight-history-title">Oversight history</h2>
        <OversightHistory
          events={events}
          eventCount={eventCount}
          changesOnly={changesOnly}
          levelPoints={levelPoints}
          currentLevel={project.level}
          now={now}
          timeZone={forum.timeZone}
          canOverride={canOverride}
          override={override}
        />
      </section>
    </>
  );
}
