import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useMemo } from 'react';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, Field, SelectField, TextareaField } from '~/components/ui/field';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import { PolicyPreview } from '~/components/policy/policy-preview';
import { DEFAULT_POLICY, PolicySchema, levelLabel } from '~/oversight';
import {
  POLICY_GROUPS,
  PolicyActionSchema,
  formatValue,
  isLevelKey,
  levelsOf,
  policyFormValues,
  rangeOf,
  toPolicy,
  type PolicyParameter,
} from '~/modules/oversight/policy-settings';
import { getPolicySettings, savePolicyVersion } from '~/modules/oversight/policy-versions.server';
import { previewPolicy, type PolicyPreview as Preview } from '~/modules/policy/what-if.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Oversight policy · ${data ? `${data.forum.name} · ` : ''}Inspection Forum` },
];

// Settings → Oversight policy (issue #15): every member reads the policy and its versions; the chair saves a new
// version with a reason. A save never touches current levels or past events (decision 015).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum, role } = await requireForumRole(request, params.slug);
  const settings = await getPolicySettings(getDb(), { forumId: forum.id });
  return json({
    forum: { slug: forum.slug, name: forum.name, timeZone: forum.timeZone },
    canEdit: can({ role }, 'manage-forum'),
    current: settings.current,
    versions: settings.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
  });
}

/** A preview: the forum's history under the typed values, and those values to keep in the form. */
type Previewed = { ok: true; intent: 'preview'; preview: Preview; values: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { forum, user } = await requireForumRole(request, params.slug, ['chair']);
  const formData = await request.formData();
  const parsed = parseFormData(formData, PolicyActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const input = parsed.data;
  // Each intent is one service call.
  switch (input.intent) {
    case 'preview': {
      // Checked as a save checks it (the engine's own schema too), then replayed on the history; nothing is written.
      const values = { ...policyFormValues(toPolicy(input)), reason: input.reason ?? '' };
      const candidate = PolicySchema.safeParse(toPolicy(input));
      if (!candidate.success) {
        const issue = candidate.error.issues[0];
        const field = issue.path.map(String).join('.') || undefined;
        return toActionFailure({ message: issue.message, field }, { intent: input.intent, values });
      }
      const preview = await previewPolicy(getDb(), forum.id, candidate.data);
      return json<Previewed>({ ok: true, intent: input.intent, preview, values });
    }
    case 'save': {
      const result = await savePolicyVersion(getDb(), {
        forumId: forum.id,
        actorId: user.id,
        baseVersion: input.baseVersion,
        policy: toPolicy(input),
        reason: input.reason,
        request,
      });
      if (!result.ok) {
        const values = { ...policyFormValues(toPolicy(input)), reason: input.reason };
        return toActionFailure(result.failure, { intent: input.intent, values });
      }
      return redirect(`/forums/${forum.slug}/settings/policy?saved=${result.value.number}`, 303);
    }
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Version = Data['versions'][number];

function rangeText(p: PolicyParameter): string {
  if (isLevelKey(p.key)) return `One of ${levelsOf(p.key).map(levelLabel).join(', ')}`;
  const { min, max } = rangeOf(p.key);
  return `From ${min} to ${max}`;
}

function ParameterField({
  p,
  value,
  errors,
  disabled,
}: {
  p: PolicyParameter;
  value: string;
  errors?: string[];
  disabled: boolean;
}) {
  const hint = `${p.meaning} Default: ${formatValue(p.key, DEFAULT_POLICY[p.key])}. ${rangeText(p)}.`;
  const id = `policy-${p.key}`;
  if (isLevelKey(p.key)) {
    return (
      <SelectField
        label={p.label}
        name={p.key}
        id={id}
        hint={hint}
        errors={errors}
        defaultValue={value}
        disabled={disabled}
        options={levelsOf(p.key).map((l) => ({ value: l, label: levelLabel(l) }))}
      />
    );
  }
  const { min, max } = rangeOf(p.key);
  return (
    <Field
      label={p.unit ? `${p.label} (${p.unit})` : p.label}
      name={p.key}
      id={id}
      hint={hint}
      errors={errors}
      defaultValue={value}
      disabled={disabled}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      step={1}
      className="narrow-number"
    />
  );
}

export default function PolicySettings() {
  const { forum, canEdit, current, versions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const saved = search.get('saved');
  // On a refused save the form shows what the chair typed; otherwise the version in force.
  const values: Record<string, string> = { ...policyFormValues(current.values), ...(result?.values ?? {}) };
  const errors: Record<string, string[] | undefined> = result && !result.ok ? result.fieldErrors : {};
  const formError = result && !result.ok ? result.formError : null;
  const preview = result?.ok ? (result.preview as unknown as Preview) : null;
  const columns = useMemo<DataColumn<Version>[]>(
    () => [
      { id: 'number', header: 'Version', accessorFn: (v) => v.number },
      {
        id: 'when',
        header: 'When',
        accessorFn: (v) => v.createdAt,
        cell: ({ row }) => formatDateTime(row.original.createdAt, forum.timeZone),
      },
      {
        id: 'who',
        header: 'Who',
        accessorFn: (v) => v.author ?? '',
        cell: ({ row }) => row.original.author ?? <span className="muted">Set up by the system</span>,
      },
      { id: 'why', header: 'Why', accessorFn: (v) => v.reason },
      {
        id: 'changes',
        header: 'What changed',
        accessorFn: (v) => v.changes.length,
        cell: ({ row }) =>
          row.original.changes.length === 0 ? (
            <span className="muted">{row.original.number === 1 ? 'The starting values' : 'No value changed'}</span>
          ) : (
            <ul className="plain-list">
              {row.original.changes.map((c) => (
                <li key={c.key}>
                  {c.label}: {c.from} → {c.to}
                </li>
              ))}
            </ul>
          ),
      },
    ],
    [forum.timeZone],
  );
  return (
    <div className="stack">
      {saved ? (
        <p className="notice" role="status">
          Version {saved} saved. It applies to events from now on; each project keeps its current level and meets the
          new values at its next event.
        </p>
      ) : null}
      <section aria-labelledby="policy-title">
        <h2 id="policy-title">Oversight policy · version {current.number}</h2>
        <p className="muted">
          How fast a project earns lighter review and how misses tighten it. Every change is a new version with a
          reason; each oversight event is judged by the version in force when it happened, so a change never rewrites
          history. Saving does not move current levels: each project meets the new values at its next review, status or
          missed status.
        </p>
        <Form method="post" noValidate className="card stack">
          {/* The version shown: after a refusal because another save came first, saving again builds on that one. */}
          <input type="hidden" name="baseVersion" value={current.number} />
          {formError ? (
            <div role="alert">
              <ErrorList errors={[formError]} />
            </div>
          ) : null}
          {POLICY_GROUPS.map((g) => (
            <fieldset key={g.id} className="plain policy-group">
              <legend>
                <h3>{g.title}</h3>
              </legend>
              {g.parameters.map((p) => (
                <ParameterField
                  key={p.key}
                  p={p}
                  value={values[p.key] ?? ''}
                  errors={errors[p.key]}
                  disabled={!canEdit}
                />
              ))}
            </fieldset>
          ))}
          {canEdit ? (
            <>
              {/* First in the form, so Enter in a field previews (harmless) rather than saves. */}
              <p className="actions">
                <button type="submit" name="intent" value="preview" className="button secondary">
                  Preview on this forum’s history
                </button>
              </p>
              {preview ? <PolicyPreview preview={preview} timeZone={forum.timeZone} headingLevel={3} /> : null}
              <TextareaField
                label="Why this change"
                name="reason"
                id="policy-reason"
                hint="Required. Members read it in the version history."
                errors={errors.reason}
                defaultValue={values.reason ?? ''}
                rows={3}
                maxLength={2000}
              />
              <p className="actions">
                <button type="submit" name="intent" value="save" className="button">
                  Save as version {current.number + 1}
                </button>
              </p>
            </>
          ) : (
            <p className="muted">Only the forum’s chair can change the policy.</p>
          )}
        </Form>
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">Version history</h2>
        <DataTable
          caption="Versions of this forum's oversight policy, newest first"
          columns={columns}
          data={versions}
          getRowId={(v) => String(v.number)}
        />
      </section>
    </div>
  );
}
