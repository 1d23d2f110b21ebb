import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { SelectField, TextareaField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { assertProjectActive, getProjectInForum, requireIdParam } from '~/modules/projects/project.server';
import { ChangeOwnerSchema } from '~/modules/projects/ownership';
import { changeProjectOwner, listPossibleOwners } from '~/modules/projects/ownership.server';
import { getDb } from '~/utils/db.server';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Change owner · ${data?.project.name ?? 'Project'} · Inspection Forum` },
];

// Handing a project to someone else is the chair's call: trust restarts for the new owner.
export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  const owners = await listPossibleOwners(db, { forumId: access.forum.id });
  return json({
    forum: { slug: access.forum.slug },
    project: { id: project.id, name: project.name, ownerId: project.ownerId },
    owners,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  assertProjectActive(project);
  const formData = await request.formData();
  const parsed = parseFormData(formData, ChangeOwnerSchema);
  if (!parsed.ok) return invalidForm(parsed);
  const result = await changeProjectOwner(db, {
    forumId: access.forum.id,
    projectId: project.id,
    ownerId: parsed.data.ownerId,
    note: parsed.data.reason,
    actorId: access.user.id,
    request,
  });
  if (!result.ok) return toActionFailure(result.failure, { values: formValues(formData) });
  return redirect(`/forums/${access.forum.slug}/projects/${project.id}#oversight-history`, 303);
}

export default function ChangeOwner() {
  const { forum, project, owners } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  // What the chair chose and typed stays after a refusal (the note is not lost).
  const values = failure?.values ?? {};
  return (
    <div className="narrow-left stack">
      <p>
        <Link to={`/forums/${forum.slug}/projects/${project.id}`}>{project.name}</Link>
      </p>
      <h1>Change the owner</h1>
      <p className="muted">
        Trust is earned per owner: the project restarts at the level the new owner has earned (never Trusted), and the
        change is recorded in its oversight history.
      </p>
      <Form method="post" noValidate className="card">
        {failure?.formError ? (
          <p role="alert" className="form-error">
            {failure.formError}
          </p>
        ) : null}
        <SelectField
          label="New owner"
          name="ownerId"
          defaultValue={values.ownerId ?? project.ownerId}
          errors={failure?.fieldErrors.ownerId}
          options={owners.map((o) => ({ value: o.id, label: `${o.name} (${o.role})` }))}
        />
        <TextareaField
          label="Note (optional)"
          name="reason"
          rows={2}
          maxLength={2000}
          defaultValue={values.reason ?? ''}
          errors={failure?.fieldErrors.reason}
        />
        <button type="submit" className="button">
          Change owner
        </button>
      </Form>
    </div>
  );
}
