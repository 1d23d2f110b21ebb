import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { parseDashboardQuery, toCsv } from '~/modules/projects/dashboard';
import { listProjectsForDashboard } from '~/modules/projects/dashboard.server';
import { getDb } from '~/utils/db.server';

// The dashboard's current view (filters and sort from the URL, every page) as CSV.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum } = await requireForumRole(request, params.slug);
  const query = parseDashboardQuery(new URL(request.url).searchParams);
  const { rows } = await listProjectsForDashboard(getDb(), { forumId: forum.id, query, paginate: false });
  const csv = toCsv([
    ['Project', 'Owner', 'Health', 'Last verdict', 'Goal progress %', 'Oversight level', 'Escalated', 'Meetings until review', 'Last status', 'Late'],
    ...rows.map((r) => [
      r.name,
      r.owner,
      r.health ?? '',
      r.lastVerdict ?? '',
      r.progress === null ? '' : Math.round(r.progress * 100),
      r.level,
      r.escalated ? 'yes' : 'no',
      r.meetingsUntilReview,
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
