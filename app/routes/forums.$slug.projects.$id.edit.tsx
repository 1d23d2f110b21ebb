import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorList, Field, TextareaField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { ProjectSettingsSchema } from '~/modules/projects/manage-project';
import { getProjectForEdit, setProjectArchived, updateProject } from '~/modules/projects/manage-project.server';
import { requireIdParam } from '~/modules/projects/project.server';
import { getDb } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { parseFormData } from '~/utils/forms';

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

type Intent = 'edit' | 'archive' | 'unarchive';

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const projectId = requireIdParam(params.id);
  const formData = await request.formData();
  const parsed = parseFormData(formData, ProjectSettingsSchema);
  const rawIntent = formData.get('intent');
  const intent: Intent = rawIntent === 'archive' || rawIntent === 'unarchive' ? rawIntent : 'edit';
  if (!parsed.ok)
    return json(
      {
        intent,
        fieldErrors: parsed.fieldErrors,
        formErrors: parsed.formErrors,
        values: parsed.values,
      },
      { status: 400 },
    );
  const input = parsed.data;
  const base = {
    forumId: access.forum.id,
    projectId,
    actorId: access.user.id,
    request,
  };
  const result =
    input.intent === 'edit'
      ? await updateProject(db, {
          ...base,
          name: input.name,
          description: input.description,
        })
      : await setProjectArchived(db, {
          ...base,
          archived: input.intent === 'archive',
        });
  if (!result.ok) {
    invariantResponse(result.status !== 404, result.message);
    const values = input.intent === 'edit' ? { name: input.name, description: input.description } : {};
    return json(
      {
        intent,
        fieldErrors: result.field ? { [result.field]: [result.message] } : {},
        formErrors: result.field ? [] : [result.message],
        values,
      },
      { status: result.status },
    );
  }
  return redirect(`/forums/${access.forum.slug}/projects/${projectId}`, 303);
}

export default function EditProject() {
  const { forum, project } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const edit = failed?.intent === 'edit' ? failed : undefined;
  const errors = edit?.fieldErrors as Record<string, string[] | undefined> | undefined;
  const values = {
    name: project.name,
    description: project.description,
    ...((edit?.values ?? {}) as Record<string, string>),
  };
  const archiveFailed = failed && failed.intent !== 'edit' ? failed : undefined;
  return (
    <div className="narrow-left stack">
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link> ›{' '}
        <Link to={`/forums/${forum.slug}/projects/${project.id}`}>{project.name}</Link>
      </p>
      <h1>Edit project</h1>
      <Form method="post" noValidate className="card stack">
        <input type="hidden" name="intent" value="edit" />
        {edit?.formErrors.length ? <ErrorList errors={edit.formErrors as string[]} /> : null}
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
        {archiveFailed?.formErrors.length ? <ErrorList errors={archiveFailed.formErrors as string[]} /> : null}
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
