import { Form, useNavigation } from '@remix-run/react';
import { ErrorList, Field, RadioGroup, SelectField } from '~/components/ui/field';
import { GOAL_STATES, GOAL_STATE_LABEL, TITLE_MAX } from '~/modules/goals/goals';
import type { ActionFailure } from '~/utils/forms';

const KIND_OPTIONS = [
  { value: 'metric', label: 'Metric: a number moving from a baseline to a target' },
  { value: 'milestone', label: 'Milestone: done or not done' },
] as const;
const DIRECTION_OPTIONS = [
  { value: 'up', label: 'Higher is better' },
  { value: 'down', label: 'Lower is better' },
] as const;
const STATE_OPTIONS = GOAL_STATES.map((value) => ({ value, label: GOAL_STATE_LABEL[value] }));

/**
 * Creating or editing a goal (GoalSchema). An existing goal keeps its kind; closing it is a change of state. After
 * a failure the form shows what was typed, with the messages next to their fields; otherwise the saved goal.
 */
export function GoalForm({
  failure,
  saved = {},
  editing,
  submitLabel,
}: {
  failure: Pick<ActionFailure, 'fieldErrors' | 'formError' | 'values'> | undefined;
  saved?: Record<string, string>;
  editing: boolean;
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const values = failure?.values ?? saved;
  const errors: Record<string, string[] | undefined> = failure?.fieldErrors ?? {};
  return (
    <Form method="post" noValidate className="goal-form">
      {failure?.formError ? (
        <p className="form-error" role="alert">
          {failure.formError}
        </p>
      ) : null}
      <Field
        label="Title"
        name="title"
        maxLength={TITLE_MAX}
        required
        defaultValue={values.title ?? ''}
        errors={errors.title}
      />
      {editing ? (
        <>
          <input type="hidden" name="kind" value={values.kind} />
          <p>Kind: {values.kind === 'metric' ? 'metric' : 'milestone'}</p>
          <ErrorList errors={errors.kind} />
        </>
      ) : (
        <RadioGroup
          label="Kind"
          name="kind"
          options={KIND_OPTIONS}
          defaultValue={values.kind ?? 'metric'}
          errors={errors.kind}
        />
      )}
      {!editing || values.kind === 'metric' ? (
        <fieldset className="metric-fields">
          <legend>For a metric</legend>
          <Field
            label="Unit"
            name="unit"
            maxLength={40}
            hint="e.g. %, ms, people"
            defaultValue={values.unit ?? ''}
            errors={errors.unit}
          />
          <Field
            label="Baseline"
            name="baseline"
            inputMode="decimal"
            defaultValue={values.baseline ?? ''}
            errors={errors.baseline}
          />
          <Field
            label="Target"
            name="target"
            inputMode="decimal"
            defaultValue={values.target ?? ''}
            errors={errors.target}
          />
          <RadioGroup
            label="Direction"
            name="direction"
            options={DIRECTION_OPTIONS}
            defaultValue={values.direction}
            errors={errors.direction}
          />
          <Field
            label="Lowest valid value (optional)"
            name="min"
            inputMode="decimal"
            hint="Values below it are refused. Blank means 0: give a negative number for a metric that can go below zero."
            defaultValue={values.min ?? ''}
            errors={errors.min}
          />
          <Field
            label="Highest valid value (optional)"
            name="max"
            inputMode="decimal"
            hint="Values above it are refused. Blank means no limit."
            defaultValue={values.max ?? ''}
            errors={errors.max}
          />
        </fieldset>
      ) : null}
      <Field
        label="Due date (optional)"
        name="dueDate"
        type="date"
        defaultValue={values.dueDate ?? ''}
        errors={errors.dueDate}
      />
      {editing ? (
        <SelectField
          label="State"
          name="state"
          options={STATE_OPTIONS}
          defaultValue={values.state ?? 'active'}
          errors={errors.state}
          hint="Close a goal as achieved, missed or dropped."
        />
      ) : null}
      <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
        {submitLabel}
      </button>
    </Form>
  );
}
