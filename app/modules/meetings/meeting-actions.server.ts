import type { Executor } from '~/utils/db.server';
import type { ActionFailure, FormResult } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';
import { ok, type Result } from '~/utils/result';
import {
  pullAgendaItem,
  putBackAgendaItem,
  requestForNextMeeting,
  startMeeting,
  type EarlyStart,
} from './agenda.server';
import { closeMeeting, previewClose, type CloseSummary } from './close.server';
import { overrideInMeeting } from './meeting-override.server';
import { IdParamSchema, type MeetingAction, type MeetingRefusal, type ReviewConflict } from './meetings';
import { addActionItem, recordReview } from './reviews.server';

/** The meeting id from the URL; anything else is a 404. */
export function parseMeetingId(param: string | undefined): number {
  const parsed = IdParamSchema.safeParse(param);
  invariantResponse(parsed.success, 'Meeting not found');
  return parsed.data;
}

/** A start or close that asks first: what it will do, shown with a form that sends `confirm=yes`. */
export type MeetingConfirmation = { intent: 'start'; early: EarlyStart } | { intent: 'close'; summary: CloseSummary };

/**
 * Runs one of the meeting page's forms; on success, the anchor to land on, or a confirmation to ask for (an early
 * start, and every close). Roles are checked by the route's guard.
 */
export async function runMeetingAction(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    action,
    request,
  }: { forumId: number; meetingId: number; actorId: number; action: MeetingAction; request: Request },
): Promise<Result<{ anchor: string } | { confirm: MeetingConfirmation }, MeetingRefusal>> {
  const base = { forumId, meetingId, actorId, request };
  const then = (result: Result<unknown, MeetingRefusal>, anchor: string) => (result.ok ? ok({ anchor }) : result);
  switch (action.intent) {
    case 'start': {
      const started = await startMeeting(db, { ...base, confirmed: action.confirm === 'yes' });
      if (started.ok && !started.value.started) return ok({ confirm: { intent: 'start', early: started.value.early } });
      return then(started, 'agenda');
    }
    case 'close': {
      if (action.confirm !== 'yes') {
        const preview = await previewClose(db, { forumId, meetingId });
        // Already closed: nothing to confirm, the page shows what the close did.
        if (preview.ok && preview.value) return ok({ confirm: { intent: 'close', summary: preview.value } });
        if (!preview.ok) return preview;
      }
      return then(await closeMeeting(db, base), 'close-summary');
    }
    case 'pull':
      return then(await pullAgendaItem(db, { ...base, projectId: action.projectId }), `item-${action.projectId}`);
    case 'request':
      return then(
        await requestForNextMeeting(db, { ...base, projectId: action.projectId }),
        `item-${action.projectId}`,
      );
    case 'action-item':
      return then(
        await addActionItem(db, {
          ...base,
          projectId: action.projectId,
          text: action.text,
          assigneeId: action.assigneeId,
          dueDate: action.dueDate,
        }),
        `item-${action.projectId}`,
      );
    case 'review':
      // The item stays in view with a "saved" note and a link to the next one.
      return then(
        await recordReview(db, {
          ...base,
          projectId: action.projectId,
          verdict: action.verdict,
          feedback: action.feedback,
          version: action.version,
        }),
        `saved-${action.projectId}`,
      );
    case 'put-back':
      return then(await putBackAgendaItem(db, { ...base, projectId: action.projectId }), 'consent-agenda');
    case 'override':
      return then(
        await overrideInMeeting(db, {
          ...base,
          projectId: action.projectId,
          level: action.level,
          reason: action.reason,
        }),
        `item-${action.projectId}`,
      );
    default: {
      const never: never = action;
      throw new Error(`Unknown meeting action: ${JSON.stringify(never)}`);
    }
  }
}

/**
 * What a failed form gets back (ActionFailure): errors next to the right form on a page of many (intent + the
 * item's project), and a verdict a colleague saved since the form was shown (409).
 */
export type MeetingActionFailure = ActionFailure & { projectId: number | null; conflict: ReviewConflict | null };

function projectIdOf(values: Record<string, string>): number | null {
  const projectId = Number(values.projectId);
  return Number.isSafeInteger(projectId) && projectId > 0 ? projectId : null;
}

/** 400 with field errors for a bad form. */
export function invalidFormResponse(parsed: Extract<FormResult<unknown>, { ok: false }>) {
  return invalidForm(parsed, parsed.values.intent ?? null, {
    projectId: projectIdOf(parsed.values),
    conflict: null as ReviewConflict | null,
  });
}

/** A service's refusal: a missing meeting is the 404 page; anything else is shown beside the form. */
export function refusalResponse(refusal: MeetingRefusal, values: Record<string, string>) {
  invariantResponse(refusal.status !== 404, refusal.message);
  return toActionFailure(refusal, {
    intent: values.intent ?? null,
    values,
    extra: { projectId: projectIdOf(values), conflict: refusal.conflict ?? null },
  });
}
