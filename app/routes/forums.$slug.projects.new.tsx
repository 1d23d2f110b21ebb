import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { Field, SelectField, TextareaField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { CreateProjectSchema } from '~/modules/projects/manage-project';
import { createProject, listForumOwners } from '~/modules/projects/manage-project.server';
import { getDb } from '~/utils/db.server';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';

export const meta: MetaFunction = () => [{ title: 'New project · Inspection Forum' }];

// The chair creates projects, each for a member who holds the owner role.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum } = await requireForumRole(request, params.slug, ['chair']);
  const owners = await listForumOwners(getDb(), { forumId: forum.id });
  return json({ forum: { slug: forum.slug, name: forum.name }, owners });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const formData = await request.formData();
  const parsed = parseFormData(formData, CreateProjectSchema);
  if (!parsed.ok) return invalidForm(parsed);
  const result = await createProject(db, {
    forumId: access.forum.id,
    input: parsed.data,
    actorId: access.user.id,
    request,
  });
  if (!result.ok) return toActionFailure(result.failure, { values: formValues(formData) });
  return redirect(`/forums/${access.forum.slug}/projects/${result.value.id}`, 303);
}

export default function NewProject() {
  const { forum, owners } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const errors = failure?.fieldErrors;
  const values = failure?.values ?? {};
  return (
    <div className="narrow-left stack">
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link>
      </p>
      <h1>New project</h1>
      <p className="muted">
        The project starts at the oversight level its owner has earned (an owner’s first project starts at Standard;
        never Trusted), with a kickoff review at the next meeting.
      </p>
      {owners.length === 0 ? (
        <p className="notice">
          Nobody in this forum holds the owner role yet: invite an owner from the forum’s{' '}
          <Link to={`/forums/${forum.slug}/settings/members`}>members</Link> first.
        </p>
      ) : null}
      <Form method="post" noValidate className="card stack">
        {failure?.formError ? (
          <p role="alert" className="form-error">
            {failure.formError}
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
          label="Description (optional)"
          name="description"
          defaultValue={values.description}
          errors={errors?.description}
          id="project-description"
          rows={3}
          maxLength={5000}
        />
        <SelectField
          label="Owner"
          name="ownerId"
          id="project-owner"
          defaultValue={values.ownerId ?? ''}
          errors={errors?.ownerId}
          options={[
            { value: '', label: 'Choose the owner' },
            ...owners.map((o) => ({
              value: String(o.id),
              label: `${o.name} (${o.email})`,
            })),
          ]}
        />
        <button type="submit" className="button">
          Create project
        </button>
      </Form>
    </div>
  );
}
