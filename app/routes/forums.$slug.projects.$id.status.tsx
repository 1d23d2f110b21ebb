import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { HealthBadge } from '~/components/badges';
import { describeRange, formatGoalValue } from '~/modules/goals/goals';
import type { Policy } from '~/oversight';
import { ErrorList, Field, RadioGroup, TextareaField } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { assertProjectManager, canManageProject, requireIdParam } from '~/modules/projects/project.server';
import {
  NOTE_MAX,
  TEXT_MAX,
  goalFieldName,
  newStatusFormValues,
  reopenErrors,
  statusFormValues,
  statusUpdateSchema,
} from '~/modules/status/status';
import {
  getCycleStatus,
  getForumPolicy,
  getStatusFormContext,
  rememberStatusContext,
  rememberedStatusContext,
  saveStatusOnce,
  saveStatusUpdate,
  type CycleStatus,
} from '~/modules/status/status.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { actionFailure, invalidForm, toActionFailure } from '~/utils/forms.server';
import { keepKnownQuery, invariantResponse } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Status · ${data?.project.name ?? 'Project'} · Inspection Forum` },
];

const HEALTH_OPTIONS = [
  { value: 'on_track', label: 'On track' },
  { value: 'at_risk', label: 'At risk' },
  { value: 'off_track', label: 'Off track' },
] as const;

/** The owner's (or chair's) project in this forum, its cycle, goals and saved state: one query after the session. */
async function loadContext(request: Request, params: LoaderFunctionArgs['params']) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair', 'owner'], db);
  const context = await getStatusFormContext(db, { forumId: access.forum.id, projectId: requireIdParam(params.id) });
  const { project, cycle, goals, saveState } = context;
  await assertProjectManager(db, { access, project, request });
  return { db, access, project, cycle, goals: cycle ? goals : [], saveState, context };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const { db, access, project, cycle, goals, context } = await loadContext(request, params);
  rememberStatusContext(access.forum.id, project.id, context); // the form's save then starts from it
  const [status, policy] = await Promise.all([
    cycle ? getCycleStatus(db, { projectId: project.id, meetingId: cycle.meetingId }) : undefined,
    getForumPolicy(db, { forumId: access.forum.id }),
  ]);
  return json({
    flagEarly: flagEarlyHint(policy),
    forum: { slug: access.forum.slug, timeZone: access.forum.timeZone },
    project,
    cycle,
    goals,
    archived: context.archived,
    status: status ?? null,
    isAuthor: !status || status.authorId === access.user.id,
  });
}

/** One line on the form: flagging trouble early costs far less trust than a surprise, in the forum's own numbers. */
function flagEarlyHint(p: Policy): string {
  const pts = (n: number) => (n === 0 ? 'nothing' : `${n} point${n === 1 ? '' : 's'}`);
  return `Flagging trouble early costs far less trust than a surprise: at risk, flagged by you, costs ${pts(0)}; off track, said by you, ${pts(p.pointsHonestOff)}; off track found at the review after “on track”, ${pts(p.pointsHardMiss)}.`;
}

/** The status form's failure (ActionFailure) carries the status saved meanwhile, to compare with (409). */
const noConflict = { conflict: null as CycleStatus | null };
const refusedForm = (formError: string, values: Record<string, string>) =>
  actionFailure({ formError, values, extra: noConflict }, { status: 409 });

/**
 * The common case in one statement: a save by the project's manager, valid against the goals, from the context
 * remembered from the form's view or the last save — checked by the save itself (saveStatusOnce). Null, with
 * nothing written, when anything differs: the action then starts over from a fresh read.
 */
async function quickSave(request: Request, params: ActionFunctionArgs['params'], formData: FormData) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair', 'owner'], db);
  const projectId = requireIdParam(params.id);
  const context = rememberedStatusContext(access.forum.id, projectId);
  if (!context?.cycle || !context.saveState || !canManageProject(access, context.project.ownerId)) return null;
  const parsed = parseFormData(formData, statusUpdateSchema(context.goals));
  if (!parsed.ok || reopenErrors(context.goals, parsed.data)) return null;
  const { meetingId } = context.cycle;
  const result = await saveStatusOnce(db, {
    projectId,
    meetingId,
    userId: access.user.id,
    input: parsed.data,
    request,
    state: context.saveState,
  });
  if (result === 'moved' || !result.ok) return null;
  rememberStatusContext(access.forum.id, projectId, { ...context, saveState: result.value.next });
  return redirect(`/forums/${access.forum.slug}/projects/${projectId}#status-${result.value.statusId}`, 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  const quick = await quickSave(request, params, formData);
  if (quick) return quick;
  const { db, access, project, cycle, goals, saveState, context } = await loadContext(request, params);
  rememberStatusContext(access.forum.id, project.id, null);
  const values = formValues(formData);
  if (context.archived) return refusedForm('This project is archived, so there is no status to post.', values);
  if (!cycle) return refusedForm('This forum has no meeting coming up, so there is no status to post.', values);
  const parsed = parseFormData(formData, statusUpdateSchema(goals));
  if (!parsed.ok) return invalidForm(parsed, null, noConflict);
  const reopen = reopenErrors(goals, parsed.data);
  if (reopen) return actionFailure({ values, fieldErrors: reopen, extra: noConflict });

  const result = await saveStatusUpdate(db, {
    projectId: project.id,
    meetingId: cycle.meetingId,
    userId: access.user.id,
    input: parsed.data,
    request,
    state: saveState,
  });
  if (result.ok) {
    rememberStatusContext(access.forum.id, project.id, { ...context, cycle, saveState: result.value.next });
    return redirect(`/forums/${access.forum.slug}/projects/${project.id}#status-${result.value.statusId}`, 303);
  }
  const refused = result.failure;
  invariantResponse(refused.status !== 403, refused.message, { status: 403 });
  // Nothing was written. Keep what the user typed; a stale edit also shows what is saved, and they decide.
  if (refused.current === undefined) return toActionFailure(refused, { values, extra: noConflict });
  return toActionFailure(refused, {
    values: { ...values, version: String(refused.current?.version ?? 0) },
    extra: { conflict: refused.current },
  });
}

export default function StatusUpdatePage() {
  const { forum, project, cycle, goals, status, isAuthor, archived, flagEarly } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const projectUrl = `/forums/${forum.slug}/projects/${project.id}`;
  const header = (
    <>
      <p className="breadcrumb">
        <Link to={projectUrl}>{project.name}</Link>
      </p>
      <h1>Status update</h1>
    </>
  );
  if (!cycle) {
    return (
      <>
        {header}
        <p className="notice">
          {archived
            ? 'This project is archived, so it owes no status. The chair can unarchive it.'
            : 'This forum has no meeting coming up, so there is no status cycle to report for. The chair schedules the next meeting.'}
        </p>
      </>
    );
  }
  const when = (
    <p className="when">
      For the meeting on <strong>{formatDateTime(cycle.scheduledAt, forum.timeZone)}</strong>. Deadline:{' '}
      <strong>{formatDateTime(cycle.deadline, forum.timeZone)}</strong>
      {cycle.late && cycle.open ? (
        <span className="badge health-at_risk">deadline passed: will be marked late</span>
      ) : null}
    </p>
  );
  if (!cycle.open || !isAuthor) {
    return (
      <>
        {header}
        {when}
        <p className="notice">
          {!cycle.open
            ? 'The meeting has started, so this cycle’s status can no longer change.'
            : `${status?.authorName} posted this cycle’s status; only its author can edit it.`}
        </p>
        <p>
          <Link to={projectUrl}>Back to the project</Link>
        </p>
      </>
    );
  }

  const values = actionData?.values ?? (status ? statusFormValues(status) : newStatusFormValues(goals));
  const errors: Record<string, string[] | undefined> = actionData?.fieldErrors ?? {};
  const conflict = actionData?.conflict;
  return (
    <>
      {header}
      {when}
      {status ? (
        <p className="muted">
          Editing your status saved {formatDateTime(status.updatedAt, forum.timeZone)}
          {status.late ? ' (late)' : ''}.
        </p>
      ) : null}
      <Form method="post" noValidate className="status-form" aria-label={`Status update for ${project.name}`}>
        {actionData ? (
          <div className="form-error" role="alert">
            {actionData.formError ? (
              <ErrorList errors={[actionData.formError]} />
            ) : (
              <p>Some answers need fixing: see the marked fields.</p>
            )}
          </div>
        ) : null}
        {conflict ? (
          <section className="card conflict" aria-labelledby="conflict-title">
            <h2 id="conflict-title">The saved status</h2>
            <p>
              Saved by {conflict.authorName} at {formatDateTime(conflict.updatedAt, forum.timeZone)}:{' '}
              <HealthBadge health={conflict.health} />
            </p>
            <h3>Summary</h3>
            <pre className="saved-text">{conflict.summary}</pre>
            {conflict.risks ? (
              <>
                <h3>Risks</h3>
                <pre className="saved-text">{conflict.risks}</pre>
              </>
            ) : null}
            {conflict.asks ? (
              <>
                <h3>Asks for help</h3>
                <pre className="saved-text">{conflict.asks}</pre>
              </>
            ) : null}
          </section>
        ) : null}
        <input type="hidden" name="version" value={values.version ?? '0'} />
        <RadioGroup
          label="Health"
          name="health"
          hint={flagEarly}
          options={HEALTH_OPTIONS}
          defaultValue={values.health}
          errors={errors.health}
        />

        {goals.length > 0 ? (
          <fieldset className="goal-values">
            <legend>Goals</legend>
            {goals.map((g) => (
              <div key={g.id} className="goal-value">
                {g.kind === 'metric' ? (
                  <Field
                    label={`${g.title}${g.unit ? ` (${g.unit})` : ''}`}
                    name={goalFieldName(g.id, 'value')}
                    inputMode="decimal"
                    defaultValue={values[goalFieldName(g.id, 'value')] ?? ''}
                    hint={`Baseline ${formatGoalValue(g.baseline, g)}, target ${formatGoalValue(g.target, g)}: ${g.direction === 'down' ? 'lower' : 'higher'} is better. Valid: ${describeRange(g)}.`}
                    errors={errors[goalFieldName(g.id, 'value')]}
                  />
                ) : (
                  <div className="field checkbox-field">
                    <label>
                      <input
                        type="checkbox"
                        name={goalFieldName(g.id, 'done')}
                        defaultChecked={values[goalFieldName(g.id, 'done')] === 'on'}
                        aria-describedby={g.wasDone ? `goal-${g.id}-done-hint` : undefined}
                      />{' '}
                      {g.title}: done
                    </label>
                    {g.wasDone ? (
                      <p id={`goal-${g.id}-done-hint`} className="hint">
                        Done in the last status. Untick it only to reopen it, and say why in the note.
                      </p>
                    ) : null}
                    <ErrorList errors={errors[goalFieldName(g.id, 'done')]} />
                  </div>
                )}
                <Field
                  label={`Note on ${g.title} (optional)`}
                  name={goalFieldName(g.id, 'note')}
                  maxLength={NOTE_MAX}
                  defaultValue={values[goalFieldName(g.id, 'note')] ?? ''}
                  errors={errors[goalFieldName(g.id, 'note')]}
                />
              </div>
            ))}
          </fieldset>
        ) : (
          <p className="muted">
            This project has no active goals. <Link to={`${projectUrl}/goals`}>Add goals</Link>
          </p>
        )}

        <TextareaField
          label="Summary"
          name="summary"
          rows={5}
          maxLength={TEXT_MAX}
          hint="Markdown: **bold**, lists, links."
          defaultValue={values.summary ?? ''}
          errors={errors.summary}
        />
        <TextareaField
          label="Risks (optional)"
          name="risks"
          rows={3}
          maxLength={TEXT_MAX}
          defaultValue={values.risks ?? ''}
          errors={errors.risks}
        />
        <TextareaField
          label="Asks for help (optional)"
          name="asks"
          rows={3}
          maxLength={TEXT_MAX}
          defaultValue={values.asks ?? ''}
          errors={errors.asks}
        />
        <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
          {status ? 'Save changes' : 'Post status'}
        </button>
      </Form>
    </>
  );
}
