import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { GoalForm } from '~/components/goal-form';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { formatGoalValue, GOAL_STATE_LABEL, GoalSchema } from '~/modules/goals/goals';
import { createGoal, listGoalsForEditor } from '~/modules/goals/goals.server';
import { assertProjectActive, requireManagedProject } from '~/modules/projects/project.server';
import { getDb } from '~/utils/db.server';
import { formatDate } from '~/utils/format';
import { parseFormData } from '~/utils/forms';
import { invalidForm } from '~/utils/forms.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Goals · ${data?.project.name ?? 'Project'} · Inspection Forum` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const { access, project } = await requireManagedProject(request, params, db);
  const goals = await listGoalsForEditor(db, { projectId: project.id });
  return json({ slug: access.forum.slug, project, goals });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const { access, project } = await requireManagedProject(request, params, db);
  assertProjectActive(project);
  const parsed = parseFormData(await request.formData(), GoalSchema);
  if (!parsed.ok) return invalidForm(parsed);
  await createGoal(db, {
    projectId: project.id,
    userId: access.user.id,
    forumId: access.forum.id,
    input: { ...parsed.data, state: 'active' },
    request,
  });
  return redirect(`/forums/${access.forum.slug}/projects/${project.id}/goals`, 303);
}

type Goal = ReturnType<typeof useLoaderData<typeof loader>>['goals'][number];

export default function GoalsEditor() {
  const { slug, project, goals } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const base = `/forums/${slug}/projects/${project.id}`;
  const columns: DataColumn<Goal>[] = [
    {
      id: 'title',
      header: 'Goal',
      accessorFn: (g) => g.title,
      cell: ({ row }) => <Link to={`${base}/goals/${row.original.id}`}>{row.original.title}</Link>,
    },
    {
      id: 'measure',
      header: 'Measure',
      accessorFn: (g) => g.kind,
      cell: ({ row }) => {
        const g = row.original;
        return g.kind === 'metric'
          ? `${formatGoalValue(g.baseline, g)} → ${formatGoalValue(g.target, g)} (${g.direction === 'down' ? 'lower' : 'higher'} is better)`
          : 'Milestone';
      },
    },
    {
      id: 'due',
      header: 'Due',
      accessorFn: (g) => g.due_date,
      cell: ({ row }) => (row.original.due_date ? formatDate(row.original.due_date) : '—'),
    },
    {
      id: 'state',
      header: 'State',
      accessorFn: (g) => g.state,
      cell: ({ row }) => GOAL_STATE_LABEL[row.original.state],
    },
  ];
  return (
    <>
      <p className="breadcrumb">
        <Link to={base}>{project.name}</Link>
      </p>
      <h1>Goals</h1>
      <DataTable
        caption={`Goals of ${project.name}`}
        columns={columns}
        data={goals}
        getRowId={(g) => String(g.id)}
        empty="No goals yet: add the first below."
      />
      <section className="card" aria-labelledby="new-goal-title">
        <h2 id="new-goal-title">Add a goal</h2>
        <GoalForm failure={failure} editing={false} submitLabel="Add goal" />
      </section>
    </>
  );
}
