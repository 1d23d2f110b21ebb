import { Form } from '@remix-run/react';
import { ErrorList } from '~/components/ui/field';
import { formErrorOf, type Failure } from './failure';

/** A pulled consent item goes back to the consent agenda (accepted without review at the close). */
export function PutBackButton({
  projectId,
  project,
  failure,
}: {
  projectId: number;
  project: string;
  failure?: Failure;
}) {
  return (
    <Form method="post" className="put-back" preventScrollReset>
      <input type="hidden" name="intent" value="put-back" />
      <input type="hidden" name="projectId" value={projectId} />
      <button type="submit" className="link-button">
        Put {project} back on the consent agenda
      </button>
      <ErrorList errors={[...(formErrorOf(failure) ?? []), ...(failure?.fieldErrors.projectId ?? [])]} />
    </Form>
  );
}
