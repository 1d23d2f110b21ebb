import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { parseMeetingId } from '~/modules/meetings/meeting-actions.server';
import { getMeetingPage, listMeetingParticipants } from '~/modules/meetings/meeting-page.server';
import { buildMinutes } from '~/modules/meetings/minutes';
import { getDb } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum } = await requireForumRole(request, params.slug);
  const meetingId = parseMeetingId(params.id);
  const [page, attendees] = await Promise.all([getMeetingPage(db, { forumId: forum.id, meetingId }), listMeetingParticipants(db, { forumId: forum.id, meetingId })]);
  invariantResponse(page, 'Meeting not found');
  const body = buildMinutes({ forumName: forum.name, timeZone: forum.timeZone, meeting: page.meeting, attendees, hasAgenda: page.hasAgenda, items: page.items, levelChanges: page.levelChanges });
  const day = new Date(page.meeting.scheduledAt).toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${forum.slug}-minutes-${day}.md"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
