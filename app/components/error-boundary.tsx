import { isRouteErrorResponse, useRouteError } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useErrorRequestId } from '~/utils/request-id';

const TITLES: Record<number, string> = {
  400: 'That request was not valid',
  403: 'You do not have access to this',
  404: 'Not found',
  409: 'Someone changed this first',
  413: 'That was too large',
  429: 'Too many attempts',
  503: 'The service is briefly unavailable',
};

/** One error shape for the whole app: thrown Responses carry { message }, anything else is a 500. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const requestId = useErrorRequestId(error);
  let status = 500;
  let message = 'Something went wrong on our side. Please try again.';
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
      message = data.message;
    else if (typeof data === 'string' && data)
      message = data.length > 200 ? `${data.slice(0, 200)}…` : data; // e.g. a long unmatched URL: bounded
    else message = error.statusText || message;
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request failed')}</h1>
      <p>{message}</p>
      <p className="muted">Error {status}</p>
      {status >= 500 && requestId ? (
        <p className="muted" data-request-id={requestId}>
          If you report this, quote the request id <code>{requestId}</code>.
        </p>
      ) : null}
      <p>
        <Link to="/">Back to your forums</Link>
      </p>
    </section>
  );
}
