import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { ErrorList, Field, SelectField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import {
  checkActionItemAccess,
  completeActionItem,
  deleteActionItem,
  getActionItemForEdit,
  updateActionItem,
} from '~/modules/meetings/action-items.server';
import { ActionItemChangeSchema, IdParamSchema } from '~/modules/meetings/meetings';
import { can } from '~/modules/auth/can';
import { getDb } from '~/utils/db.server';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';
import { safeRedirect } from '~/utils/safe-redirect';

export const meta: MetaFunction = () => [{ title: 'Action item · Inspection Forum' }];

// One action item: its edit page (the chair and its assignee: edit, reassign, delete) and its writes. Marking it
// done is open to its assignee and the forum's chair and leaders.

function parseItemId(param: string | undefined): number {
  const id = IdParamSchema.safeParse(param);
  invariantResponse(id.success, 'Action item not found');
  return id.data;
}

/** Where the item is discussed: its meeting's agenda item, else its project. */
function homeOf(slug: string, item: { meetingId: number | null; projectId: number }) {
  return item.meetingId
    ? `/forums/${slug}/meetings/${item.meetingId}?item=${item.projectId}#item-${item.projectId}`
    : `/forums/${slug}/projects/${item.projectId}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireForumRole(request, params.slug);
  const { forum, user } = access;
  const result = await getActionItemForEdit(getDb(), {
    forumId: forum.id,
    itemId: parseItemId(params.id),
    userId: user.id,
    isChair: can(access, 'manage-action-items'),
    request,
  });
  if (!result.ok) invariantResponse(false, result.failure.message, { status: result.failure.status });
  const { item, members } = result.value;
  const back = new URL(request.url).searchParams.get('back');
  return json({
    forum: { slug: forum.slug },
    item,
    members,
    back: back ? safeRedirect(back) : homeOf(forum.slug, item),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const forumAccess = await requireForumRole(request, params.slug);
  const { forum, user } = forumAccess;
  const manages = can(forumAccess, 'manage-action-items');
  const itemId = parseItemId(params.id);
  const formData = await request.formData();
  const db = getDb();
  const base = { forumId: forum.id, itemId, userId: user.id, request };
  const values = formValues(formData);
  // Who may edit or delete is known before the form is read (a refused user learns nothing from its errors).
  if (values.intent !== 'done') {
    const access = await checkActionItemAccess(db, { ...base, isChair: manages });
    if (!access.ok) invariantResponse(false, access.failure.message, { status: access.failure.status });
  }
  const parsed = parseFormData(formData, ActionItemChangeSchema);
  if (!parsed.ok) return invalidForm(parsed, values.intent ?? null);
  const change = parsed.data;
  const result =
    change.intent === 'done'
      ? await completeActionItem(db, { ...base, mayManage: can(forumAccess, 'run-meetings') })
      : change.intent === 'edit'
        ? await updateActionItem(db, {
            ...base,
            isChair: manages,
            text: change.text,
            assigneeId: change.assigneeId,
            dueDate: change.dueDate,
          })
        : await deleteActionItem(db, { ...base, isChair: manages });
  // A refusal about the item itself (gone, not yours) is its error page; one about a field is shown beside it.
  if (!result.ok) {
    invariantResponse(result.failure.field, result.failure.message, { status: result.failure.status ?? 400 });
    return toActionFailure(result.failure, { intent: change.intent, values });
  }
  const fallback = result.value && 'projectId' in result.value ? homeOf(forum.slug, result.value) : '/';
  return redirect(change.redirectTo ? safeRedirect(change.redirectTo, fallback) : fallback, 303);
}

export default function ActionItemPage() {
  const { forum, item, members, back } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors: Record<string, string[] | undefined> = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};
  const editing = failure?.intent !== 'delete';
  return (
    <div className="narrow-left stack">
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}/projects/${item.projectId}`}>{item.project}</Link>
      </p>
      <h1>Action item</h1>
      <Form method="post" noValidate className="card" aria-label="Edit the action item">
        {failure && editing ? (
          <div className="form-error" role="alert">
            {failure.formError ? (
              <ErrorList errors={[failure.formError]} />
            ) : (
              <p>Some answers need fixing: see the marked fields.</p>
            )}
          </div>
        ) : null}
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="redirectTo" value={back} />
        <Field
          label="Action"
          name="text"
          maxLength={2000}
          required
          defaultValue={editing ? (values.text ?? item.text) : item.text}
          errors={editing ? errors.text : undefined}
        />
        <SelectField
          label="Assignee"
          name="assigneeId"
          defaultValue={editing ? (values.assigneeId ?? String(item.assigneeId ?? '')) : String(item.assigneeId ?? '')}
          errors={errors.assigneeId}
          options={members.map((m) => ({ value: m.id, label: m.name }))}
        />
        <Field
          label="Due date"
          name="dueDate"
          type="date"
          defaultValue={editing ? (values.dueDate ?? item.dueDate ?? '') : (item.dueDate ?? '')}
          errors={editing ? errors.dueDate : undefined}
        />
        <button type="submit" className="button">
          Save action item
        </button>{' '}
        <Link to={back}>Cancel</Link>
      </Form>
      <Form method="post" className="card" aria-label="Delete the action item">
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="redirectTo" value={back} />
        {failure && !editing ? (
          <ErrorList
            errors={[
              ...(failure.formError ? [failure.formError] : []),
              ...Object.values(errors).flatMap((e) => e ?? []),
            ]}
          />
        ) : null}
        <button type="submit" className="button secondary">
          Delete action item
        </button>
      </Form>
    </div>
  );
}
