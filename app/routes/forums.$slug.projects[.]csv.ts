import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { parseDashboardQuery, toCsv } from '~/modules/projects/dashboard';
import { listProjectsForDashboard } from '~/modules/projects/dashboard.server';
import { forumReviewSchedule } from '~/modules/meetings/next-review.server';
import { todayIn } from '~/modules/meetings/schedule';
import { getDb } from '~/utils/db.server';

// The dashboard's current view (filters and sort from the URL, every page) as CSV.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum } = await requireForumRole(request, params.slug);
  const query = parseDashboardQuery(new URL(request.url).searchParams);
  const db = getDb();
  const schedule = await forumReviewSchedule(db, forum);
  const { rows } = await listProjectsForDashboard(db, { forumId: forum.id, query, paginate: false, schedule });
  const csv = toCsv([
    [
      'Project',
      'Owner',
      'Health',
      'Last verdict',
      'Goal progress %',
      'Oversight level',
      'Escalated',
      'Meetings until review',
      'Next review',
      'Next review reason',
      'Last status',
      'Late',
    ],
    ...rows.map((r) => [
      r.name,
      r.owner,
      r.health ?? '',
      r.lastVerdict ?? '',
      r.progress === null ? '' : Math.round(r.progress * 100),
      r.level,
      r.escalated ? 'yes' : 'no',
      r.meetingsUntilReview,
      // The day of the meeting in the forum's time zone, and why (decision 019).
      schedule.reviews.get(r.id)?.at ? todayIn(forum.timeZone, schedule.reviews.get(r.id)?.at ?? undefined) : '',
      schedule.reviews.get(r.id)?.label ?? '',
      r.statusAt ? r.statusAt.toISOString() : '',
      r.late ? 'yes' : 'no',
    ]),
  ]);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${forum.slug}-projects.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
