import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { buildCalendar } from '~/modules/meetings/ical';
import { listMeetingsForCalendar } from '~/modules/meetings/schedule.server';
import { getDb } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';

const HISTORY_DAYS = 90;
const DURATION_MINUTES = 60;

// Member-only like every page: the session cookie is required (a calendar app without it gets the login redirect).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum } = await requireForumRole(request, params.slug);
  const now = new Date();
  const meetings = await listMeetingsForCalendar(db, { forumId: forum.id, since: new Date(now.getTime() - HISTORY_DAYS * 86_400_000) });
  const origin = appUrl(); // configured, never the request's Host (issue #22)
  const body = buildCalendar({
    name: forum.name,
    timeZone: forum.timeZone,
    now,
    events: meetings.map((m) => ({
      uid: `meeting-${m.id}@${forum.slug}.inspection-forum`,
      start: m.scheduledAt,
      durationMinutes: DURATION_MINUTES,
      summary: `${forum.name}: review meeting`,
      description: `Agenda and statuses: ${origin}/forums/${forum.slug}/meetings/${m.id}`,
      url: `${origin}/forums/${forum.slug}/meetings/${m.id}`,
      status: 'CONFIRMED',
    })),
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${forum.slug}-meetings.ics"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
