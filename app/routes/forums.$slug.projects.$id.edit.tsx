import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { ErrorList, Field, TextareaField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { ProjectSettingsSchema } from '~/modules/projects/manage-project';
import { getProjectForEdit, setProjectArchived, updateProject } from '~/modules/projects/manage-project.server';
import { requireIdParam } from '~/modules/projects/project.server';
import { getDb } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { failureMessages, formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Edit · ${data?.project.name ?? 'Project'} · Inspection Forum` },
];

// The chair edits a project's name and description, and archives or unarchives it.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum } = await requireForumRole(request, params.slug, ['chair']);
  const project = await getProjectForEdit(getDb(), {
    forumId: forum.id,
    projectId: requireIdParam(params.id),
  });
  invariantResponse(project, 'Project not found');
  return json({ forum: { slug: forum.slug, name: forum.name }, project });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const projectId = requireIdParam(params.id);
  const formData = await request.formData();
  const parsed = parseFormData(formData, ProjectSettingsSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  const base = { forumId: access.forum.id, projectId, actorId: access.user.id, request };
  const result =
    form.intent === 'edit'
      ? await updateProject(db, { ...base, name: form.name, description: form.description })
      : await setProjectArchived(db, { ...base, archived: form.intent === 'archive' });
  if (!result.ok) {
    invariantResponse(result.failure.status !== 404, result.failure.message);
    return toActionFailure(result.failure, { intent: form.intent, values: formValues(formData) });
  }
  return redirect(`/forums/${access.forum.slug}/projects/${projectId}`, 303);
}

export default function EditProject() {
  const { forum, project } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const edit = failure?.intent === 'edit' ? failure : undefined;
  const errors = edit?.fieldErrors;
  const values = { name: project.name, description: project.description, ...edit?.values };
  // Archive and unarchive are one button: their messages (and an unknown action's) show above it.
  const archiveFailed = failure && !edit ? failure : undefined;
  return (
    <div className="narrow-left stack">
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link> ›{' '}
        <Link to={`/forums/${forum.slug}/projects/${project.id}`}>{project.name}</Link>
      </p>
      <h1>Edit project</h1>
      <Form method="post" noValidate className="card stack">
        <input type="hidden" name="intent" value="edit" />
        {edit?.formError ? (
          <p role="alert" className="form-error">
            {edit.formError}
          </p>
        ) : null}
        <Field
          label="Name"
          name="name"
          defaultValue={values.name}
          errors={errors?.name}
          id="project-name"
          maxLength={200}
          autoComplete="off"
        />
        <TextareaField
          label="Description"
          name="description"
          defaultValue={values.description}
          errors={errors?.description}
          id="project-description"
          rows={4}
          maxLength={5000}
        />
        <button type="submit" className="button">
          Save
        </button>
      </Form>

      <section aria-labelledby="archive-title" className="stack">
        <h2 id="archive-title">{project.archived ? 'Archived' : 'Archive'}</h2>
        <p className="muted">
          {project.archived
            ? 'This project is archived: it is off the dashboard, the agendas, the oversight page and the statuses due. Unarchive it to bring it back where it was.'
            : 'An archived project leaves the dashboard, the agendas, the oversight page and the statuses due. Its history and oversight level are kept as they are, and its page still opens.'}
        </p>
        {archiveFailed ? (
          <div role="alert" className="form-error">
            <ErrorList errors={failureMessages(archiveFailed)} />
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value={project.archived ? 'unarchive' : 'archive'} />
          <button type="submit" className={project.archived ? 'button' : 'button danger'}>
            {project.archived ? 'Unarchive project' : 'Archive project'}
          </button>
        </Form>
      </section>
    </div>
  );
}
