import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { GoalForm } from '~/components/goal-form';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { GoalSchema, goalFormValues } from '~/modules/goals/goals';
import { getGoalWithHistory, updateGoal } from '~/modules/goals/goals.server';
import { assertProjectActive, requireIdParam, requireManagedProject } from '~/modules/projects/project.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.goal.title ?? 'Goal'} · Inspection Forum` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const { access, project } = await requireManagedProject(request, params, db);
  const { goal, history } = await getGoalWithHistory(db, {
    projectId: project.id,
    goalId: requireIdParam(params.goalId),
  });
  return json({ forum: { slug: access.forum.slug, timeZone: access.forum.timeZone }, project, goal, history });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const { access, project } = await requireManagedProject(request, params, db);
  assertProjectActive(project);
  const goalId = requireIdParam(params.goalId);
  const formData = await request.formData();
  const parsed = parseFormData(formData, GoalSchema);
  if (!parsed.ok) return invalidForm(parsed);
  const result = await updateGoal(db, {
    projectId: project.id,
    goalId,
    userId: access.user.id,
    forumId: access.forum.id,
    input: parsed.data,
    request,
  });
  if (!result.ok) return toActionFailure(result.failure, { values: formValues(formData) });
  return redirect(`/forums/${access.forum.slug}/projects/${project.id}/goals`, 303);
}

type Revision = ReturnType<typeof useLoaderData<typeof loader>>['history'][number];

export default function GoalEditor() {
  const { forum, project, goal, history } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const base = `/forums/${forum.slug}/projects/${project.id}`;
  const columns: DataColumn<Revision>[] = [
    {
      id: 'at',
      header: 'When',
      accessorFn: (r) => r.changedAt,
      cell: ({ row }) => formatDateTime(row.original.changedAt, forum.timeZone),
    },
    {
      id: 'by',
      header: 'By',
      accessorFn: (r) => r.changedBy,
      cell: ({ row }) => row.original.changedBy ?? <span className="muted">Original</span>,
    },
    { id: 'changes', header: 'Changes', accessorFn: (r) => r.changes.join('; ') },
  ];
  return (
    <>
      <p className="breadcrumb">
        <Link to={base}>{project.name}</Link> › <Link to={`${base}/goals`}>Goals</Link>
      </p>
      <h1>Edit goal: {goal.title}</h1>
      <GoalForm failure={failure} saved={goalFormValues(goal)} editing submitLabel="Save goal" />
      <h2>History</h2>
      <DataTable
        caption={`Changes to ${goal.title}`}
        columns={columns}
        data={history}
        getRowId={(r) => String(r.id)}
        empty="No changes recorded yet."
      />
    </>
  );
}
