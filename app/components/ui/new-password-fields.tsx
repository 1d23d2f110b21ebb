import { Field } from './field';

/** A new password and its repetition (`password`, `confirmPassword`), as set from an invitation or a link. */
export function NewPasswordFields({
  label,
  errors,
}: {
  label: string;
  errors?: { password?: string[]; confirmPassword?: string[] };
}) {
  return (
    <>
      <Field
        label={label}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="8 to 128 characters; common passwords are refused."
        errors={errors?.password}
      />
      <Field
        label="Repeat the password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.confirmPassword}
      />
    </>
  );
}
