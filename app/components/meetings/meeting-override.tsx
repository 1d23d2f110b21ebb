import { Form } from '@remix-run/react';
import { ErrorList, SelectField, TextareaField } from '~/components/ui/field';
import { REASON_MAX } from '~/modules/oversight/override';
import { LEVEL_OPTIONS } from '~/oversight';
import { formErrorOf, type Failure } from './failure';

/** Override an escalated project's level with a reason (the corrective plan), without leaving the meeting. */
export function MeetingOverrideForm({
  projectId,
  project,
  level,
  failure,
}: {
  projectId: number;
  project: string;
  level: string;
  failure?: Failure;
}) {
  const values = failure?.values ?? {};
  return (
    <details className="card override" open={Boolean(failure)}>
      <summary>Override the level of {project}</summary>
      <Form method="post" noValidate preventScrollReset>
        <input type="hidden" name="intent" value="override" />
        <input type="hidden" name="projectId" value={projectId} />
        <ErrorList errors={[...(formErrorOf(failure) ?? []), ...(failure?.fieldErrors.projectId ?? [])]} />
        <SelectField
          label="New level"
          name="level"
          options={LEVEL_OPTIONS}
          defaultValue={values.level ?? level}
          errors={failure?.fieldErrors.level}
        />
        <TextareaField
          label="Reason"
          name="reason"
          rows={3}
          maxLength={REASON_MAX}
          hint="Required: the corrective plan agreed. Lifts the escalation and resets the streak and recent misses."
          defaultValue={values.reason ?? ''}
          errors={failure?.fieldErrors.reason}
        />
        <button type="submit" className="button">
          Override level
        </button>
      </Form>
    </details>
  );
}
