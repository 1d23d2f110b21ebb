import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { CALENDAR_HISTORY_DAYS, listFeedMeetings, meetingEvent } from '~/modules/meetings/calendar.server';
import { buildCalendar } from '~/modules/meetings/ical';
import { getDb } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';

// Member-only like every page: the session cookie is required. Calendar apps subscribe to the personal feed
// (/calendar/<secret>.ics, made on the account page) instead.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum } = await requireForumRole(request, params.slug);
  const now = new Date();
  const meetings = await listFeedMeetings(db, {
    forumIds: [forum.id],
    since: new Date(now.getTime() - CALENDAR_HISTORY_DAYS * 86_400_000),
  });
  const origin = appUrl(); // configured, never the request's Host (issue #22)
  const body = buildCalendar({
    name: forum.name,
    timeZone: forum.timeZone,
    now,
    events: meetings.map((m) => meetingEvent(m, origin)),
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${forum.slug}-meetings.ics"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
