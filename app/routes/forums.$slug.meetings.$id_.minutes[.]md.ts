import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { parseMeetingId } from '~/modules/meetings/meeting-actions.server';
import { loadAttendance } from '~/modules/meetings/attendance.server';
import { getMeetingPage } from '~/modules/meetings/meeting-page.server';
import { buildMinutes } from '~/modules/meetings/minutes';
import { getDb } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum } = await requireForumRole(request, params.slug);
  const meetingId = parseMeetingId(params.id);
  const [page, attendance] = await Promise.all([
    getMeetingPage(db, { forumId: forum.id, meetingId }),
    loadAttendance(db, { forumId: forum.id, meetingId }),
  ]);
  invariantResponse(page && attendance, 'Meeting not found');
  const body = buildMinutes({
    forumName: forum.name,
    timeZone: forum.timeZone,
    meeting: page.meeting,
    attendees: attendance.attendees.map((a) => a.name),
    attendanceRecorded: attendance.recorded,
    notes: page.meeting.notes,
    hasAgenda: page.hasAgenda,
    items: page.items,
    levelChanges: page.levelChanges,
  });
  const day = new Date(page.meeting.scheduledAt).toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${forum.slug}-minutes-${day}.md"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
