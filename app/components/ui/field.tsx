import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

interface FieldFrameProps {
  label: ReactNode;
  errors?: string[] | null;
  hint?: ReactNode;
  id?: string;
}

/** The label, hint and errors around one control, and the attributes that tie them to it. */
function useFieldFrame({ label, errors, hint, id }: FieldFrameProps) {
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const errorId = errors?.length ? `${inputId}-error` : undefined;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const controlProps = {
    id: inputId,
    'aria-invalid': errorId ? true : undefined,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
  };
  const frame = (control: ReactNode) => (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {control}
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
  return { controlProps, frame };
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement>, FieldFrameProps {
  name: string;
}

/** A labelled input whose errors are announced with it (aria-invalid / aria-describedby). */
export function Field({ label, name, errors, hint, id, ...inputProps }: FieldProps) {
  const { controlProps, frame } = useFieldFrame({ label, errors, hint, id });
  return frame(<input name={name} {...controlProps} {...inputProps} />);
}

interface TextareaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement>, FieldFrameProps {
  name: string;
}

export function TextareaField({ label, name, errors, hint, id, ...textareaProps }: TextareaFieldProps) {
  const { controlProps, frame } = useFieldFrame({ label, errors, hint, id });
  return frame(<textarea name={name} {...controlProps} {...textareaProps} />);
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement>, FieldFrameProps {
  name: string;
  options: readonly { value: string | number; label: string }[];
}

/** The one select of the app: a labelled select whose errors are announced with it (like Field). */
export function SelectField({ label, name, errors, hint, id, options, ...selectProps }: SelectFieldProps) {
  const { controlProps, frame } = useFieldFrame({ label, errors, hint, id });
  return frame(
    <select name={name} {...controlProps} {...selectProps}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>,
  );
}

interface RadioGroupProps extends Omit<FieldFrameProps, 'id'> {
  name: string;
  options: readonly { value: string; label: ReactNode }[];
  defaultValue?: string;
}

/** A fieldset of radio buttons: the legend names it, its errors are announced with it. */
export function RadioGroup({ label, name, errors, hint, options, defaultValue }: RadioGroupProps) {
  const id = useId();
  const errorId = errors?.length ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <fieldset className="field radio-group" aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}>
      <legend>{label}</legend>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <div className="radio-options">
        {options.map((o) => (
          <label key={o.value} className="radio-option">
            <input
              type="radio"
              name={name}
              value={o.value}
              defaultChecked={o.value === defaultValue}
              aria-invalid={errorId ? true : undefined}
            />{' '}
            {o.label}
          </label>
        ))}
      </div>
      <ErrorList id={errorId} errors={errors} />
    </fieldset>
  );
}
