import type { SerializeFrom } from '@remix-run/node';
import type { MeetingActionFailure } from '~/modules/meetings/meeting-actions.server';

/** A meeting page form's failure (ActionFailure with the item's project and a colleague's verdict). */
export type Failure = SerializeFrom<MeetingActionFailure>;

/** The form's own message (not a field's), as the list ErrorList shows. */
export function formErrorOf(failure: Failure | undefined): string[] | undefined {
  return failure?.formError ? [failure.formError] : undefined;
}

/** The failure of this item's form, if the last submission was one. */
export function failureFor(failure: Failure | undefined, intent: string, projectId: number): Failure | undefined {
  return failure && failure.intent === intent && failure.projectId === projectId ? failure : undefined;
}
