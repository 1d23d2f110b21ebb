import { json } from '@remix-run/node';
import type { Executor } from '~/utils/db.server';
import type { FormResult } from '~/utils/forms';
import { invariantResponse } from '~/utils/http.server';
import {
  pullAgendaItem,
  putBackAgendaItem,
  requestForNextMeeting,
  startMeeting,
  type EarlyStart,
} from './agenda.server';
import { closeMeeting, previewClose, type CloseSummary } from './close.server';
import { overrideInMeeting } from './meeting-override.server';
import { done, IdParamSchema, type MeetingAction, type Outcome, type Refusal, type ReviewConflict } from './meetings';
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
): Promise<Outcome<{ anchor: string } | { confirm: MeetingConfirmation }>> {
  const base = { forumId, meetingId, actorId, request };
  const then = (result: Outcome<unknown>, anchor: string) => (result.ok ? done({ anchor }) : result);
  switch (action.intent) {
    case 'start': {
      const started = await startMeeting(db, { ...base, confirmed: action.confirm === 'yes' });
      if (started.ok && !started.value.started)
        return done({ confirm: { intent: 'start', early: started.value.early } });
      return then(started, 'agenda');
    }
    case 'close': {
      if (action.confirm !== 'yes') {
        const preview = await previewClose(db, { forumId, meetingId });
        // Already closed: nothing to confirm, the page shows what the close did.
        if (preview.ok && preview.value) return done({ confirm: { intent: 'close', summary: preview.value } });
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

/** What a failed form gets back: errors next to the right form on a page of many (intent + project). */
export interface MeetingActionFailure {
  intent: string | null;
  projectId: number | null;
  fieldErrors: Record<string, string[]>;
  formErrors: string[];
  values: Record<string, string>;
  /** A verdict a colleague saved since the form was shown (409). */
  conflict: ReviewConflict | null;
}

function failure(
  values: Record<string, string>,
  fieldErrors: Record<string, string[]>,
  formErrors: string[],
  conflict: ReviewConflict | null = null,
): MeetingActionFailure {
  const projectId = Number(values.projectId);
  return {
    intent: values.intent ?? null,
    projectId: Number.isSafeInteger(projectId) && projectId > 0 ? projectId : null,
    fieldErrors,
    formErrors,
    values,
    conflict,
  };
}

/** 400 with field errors for a bad form. */
export function invalidFormResponse(parsed: Extract<FormResult<unknown>, { ok: false }>) {
  const { intent: intentErrors, ...fieldErrors } = parsed.fieldErrors;
  return json(failure(parsed.values, fieldErrors, [...parsed.formErrors, ...(intentErrors ?? [])]), { status: 400 });
}

/** A service's refusal: a missing meeting is the 404 page; anything else is shown beside the form. */
export function refusalResponse(refusal: Refusal, values: Record<string, string>) {
  invariantResponse(refusal.status !== 404, refusal.message);
  const fieldErrors = refusal.field ? { [refusal.field]: [refusal.message] } : {};
  return json(failure(values, fieldErrors, refusal.field ? [] : [refusal.message], refusal.conflict ?? null), {
    status: refusal.status,
  });
}
