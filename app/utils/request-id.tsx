import { createContext, useContext, useState } from 'react';

/**
 * The request's id (server.ts sets it; the server log shows it beside an error's stack), for a 500 page to
 * show instead of the error. The server's render provides it (entry.server.tsx); the browser reads it back
 * from the page it hydrates, or from the message of an error a later navigation's data request brought.
 */
export const RequestIdContext = createContext<string | undefined>(undefined);

export const REQUEST_ID_IN_MESSAGE = /\(request ([0-9a-f-]{36})\)$/;

export function useErrorRequestId(error: unknown): string | undefined {
  const fromServer = useContext(RequestIdContext);
  const [fromPage] = useState(() =>
    typeof document === 'undefined'
      ? undefined
      : (document.querySelector<HTMLElement>('[data-request-id]')?.dataset.requestId ?? undefined),
  );
  const fromMessage = error instanceof Error ? REQUEST_ID_IN_MESSAGE.exec(error.message)?.[1] : undefined;
  return fromServer ?? fromMessage ?? fromPage;
}
