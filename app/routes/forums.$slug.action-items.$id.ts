import type { ActionFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { requireForumRole } from '~/modules/auth/guards.server';
import { completeActionItem } from '~/modules/meetings/action-items.server';
import { ActionItemDoneSchema, IdParamSchema, runsMeetings } from '~/modules/meetings/meetings';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { invariantResponse } from '~/utils/http.server';
import { safeRedirect } from '~/utils/safe-redirect';

// POST only: marks an action item done (its assignee, or the forum's chair or a leader).
export async function loader() {
  throw json({ message: 'Not found' }, { status: 404 });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { forum, user, role } = await requireForumRole(request, params.slug);
  const itemId = IdParamSchema.safeParse(params.id);
  invariantResponse(itemId.success, 'Action item not found');
  const parsed = parseFormData(await request.formData(), ActionItemDoneSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, formErrors: parsed.formErrors }, { status: 400 });
  const result = await completeActionItem(getDb(), {
    forumId: forum.id,
    itemId: itemId.data,
    userId: user.id,
    mayManage: runsMeetings(role),
    request,
  });
  if (!result.ok) invariantResponse(false, result.message, { status: result.status });
  return redirect(safeRedirect(parsed.data.redirectTo), 303);
}
