import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorList } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { assertProjectActive, getProjectInForum, requireIdParam } from '~/modules/projects/project.server';
import { ChangeOwnerSchema } from '~/modules/projects/ownership';
import { changeProjectOwner, listPossibleOwners } from '~/modules/projects/ownership.server';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change owner · ${data?.project.name ?? 'Project'} · Inspection Forum` }];

// Handing a project to someone else is the chair's call: trust restarts for the new owner.
export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  const [details, owners] = await Promise.all([
    db.selectFrom('projects').select(['name', 'owner_id as ownerId']).where('id', '=', project.id).executeTakeFirstOrThrow(),
    listPossibleOwners(db, { forumId: access.forum.id }),
  ]);
  return json({ forum: { slug: access.forum.slug }, project: { id: project.id, ...details }, owners });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  assertProjectActive(project);
  const parsed = parseFormData(await request.formData(), ChangeOwnerSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, formError: parsed.formErrors[0] ?? null }, { status: 400 });
  const result = await changeProjectOwner(db, { forumId: access.forum.id, projectId: project.id, ownerId: parsed.data.ownerId, note: parsed.data.reason, actorId: access.user.id, request });
  if (!result.ok) return json({ fieldErrors: { [result.field]: [result.message] }, formError: null }, { status: 400 });
  return redirect(`/forums/${access.forum.slug}/projects/${project.id}#oversight-history`, 303);
}

export default function ChangeOwner() {
  const { forum, project, owners } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.fieldErrors as Record<string, string[] | undefined> | undefined;
  return (
    <div className="narrow-left stack">
      <p>
        <Link to={`/forums/${forum.slug}/projects/${project.id}`}>{project.name}</Link>
      </p>
      <h1>Change the owner</h1>
      <p className="muted">
        Trust is earned per owner: the project restarts at the level the new owner has earned (never Trusted), and the change is recorded in its oversight history.
      </p>
      <Form method="post" noValidate className="card">
        {result?.formError ? (
          <p role="alert" className="form-error">
            {result.formError}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="owner-select">New owner</label>
          <select id="owner-select" name="ownerId" defaultValue={project.ownerId} aria-invalid={errors?.ownerId ? true : undefined} aria-describedby={errors?.ownerId ? 'owner-error' : undefined}>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.role})
              </option>
            ))}
          </select>
          <ErrorList id="owner-error" errors={errors?.ownerId} />
        </div>
        <div className="field">
          <label htmlFor="owner-note">Note (optional)</label>
          <textarea id="owner-note" name="reason" rows={2} maxLength={2000} />
        </div>
        <button type="submit" className="button">
          Change owner
        </button>
      </Form>
    </div>
  );
}
