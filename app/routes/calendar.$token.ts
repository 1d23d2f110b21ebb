import type { LoaderFunctionArgs } from '@remix-run/node';
import { CalendarTokenParamSchema, personalCalendar } from '~/modules/meetings/calendar.server';
import { getDb } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { invariantResponse } from '~/utils/http.server';

// /calendar/<secret>.ics: a member's personal feed of all their forums' meetings, for calendar apps (no cookie).
// An unknown, revoked or replaced secret, or a deactivated user's, is a 404 (docs/decisions/013).
export async function loader({ params }: LoaderFunctionArgs) {
  const token = CalendarTokenParamSchema.safeParse(params.token);
  invariantResponse(token.success, 'Calendar not found');
  const body = await personalCalendar(getDb(), { token: token.data, origin: appUrl() });
  invariantResponse(body !== null, 'Calendar not found');
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'inline; filename="meetings.ics"',
      'Cache-Control': 'private, no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
