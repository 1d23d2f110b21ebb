import crypto from 'node:crypto';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { renderToString } from 'react-dom/server';
import './load-context';
import { json } from '@remix-run/node';
import { NonceContext } from './utils/nonce';
import { REQUEST_ID_HEADER } from './utils/http.server';
import { RequestIdContext } from './utils/request-id';
import { isDatabaseUnavailable, serviceUnavailablePage, UNAVAILABLE_MESSAGE } from './utils/db-errors.server';
import { reusedRender, type Rendered } from './utils/page-cache.server';

// Requests whose loader or action could not reach the database: they answer 503, not 500.
const unavailable = new WeakSet<Request>();

const ABORT_DELAY = 5_000;

// Pages render with a per-process placeholder for the CSP nonce, replaced by the request's in the bytes sent, so a
// render can be reused (reusedRender, app/utils/page-cache.server.ts).
const NONCE_PLACEHOLDER = `nonce-${crypto.randomBytes(18).toString('hex')}`;

/**
 * The modules the page hydrates with are preloaded (Remix's <Scripts>) at low priority: the page is painted from
 * the HTML and its inlined stylesheet, and on a slow link the scripts must not compete with them (decision 024).
 */
const MODULE_PRELOAD = Buffer.from('<link rel="modulepreload"');
const LOW_PRIORITY_MODULE_PRELOAD = Buffer.from('<link rel="modulepreload" fetchpriority="low"');
const NONCE_BYTES = Buffer.from(NONCE_PLACEHOLDER);

function renderPage(request: Request, remixContext: EntryContext, requestId?: string): Rendered {
  const html = `<!DOCTYPE html>${renderToString(
    <NonceContext.Provider value={NONCE_PLACEHOLDER}>
      <RequestIdContext.Provider value={requestId}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={NONCE_PLACEHOLDER} />
      </RequestIdContext.Provider>
    </NonceContext.Provider>,
  )}`;
  const parts = cutAtNonces(Buffer.from(html));
  return { parts, bytes: parts.reduce((n, p) => n + p.length, 0) };
}

/**
 * The page's UTF-8 cut where the nonce goes, each module preload made low priority: done on the bytes, since the
 * rendered string is a rope of thousands of pieces that each string operation would copy whole again (about 1 ms
 * for a 100 KB page).
 */
function cutAtNonces(page: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let pieces: Buffer[] = [];
  let at = 0;
  let preload = page.indexOf(MODULE_PRELOAD);
  let nonce = page.indexOf(NONCE_BYTES);
  while (preload !== -1 || nonce !== -1) {
    if (nonce === -1 || (preload !== -1 && preload < nonce)) {
      pieces.push(page.subarray(at, preload), LOW_PRIORITY_MODULE_PRELOAD);
      at = preload + MODULE_PRELOAD.length;
      preload = page.indexOf(MODULE_PRELOAD, at);
    } else {
      pieces.push(page.subarray(at, nonce));
      parts.push(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces));
      pieces = [];
      at = nonce + NONCE_BYTES.length;
      nonce = page.indexOf(NONCE_BYTES, at);
    }
  }
  pieces.push(page.subarray(at));
  parts.push(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces));
  return parts;
}

function memoizedRender(request: Request, status: number, remixContext: EntryContext): Rendered {
  // Only a 500 page shows the request id, and such a page is never reused.
  return reusedRender(request, status, remixContext.serverHandoffString, () =>
    renderPage(request, remixContext, status >= 500 ? requestIdOf(request) : undefined),
  );
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  if (unavailable.has(request)) return serviceUnavailablePage();
  // Pages answer with defer() (pageData, app/utils/page-data.server.ts) only to skip Remix's JSON round trips: no
  // value is a promise, nothing waits behind <Await>, so streaming buys nothing: one string, sent in one piece.
  const { parts, bytes } = memoizedRender(request, responseStatusCode, remixContext);
  const nonce = Buffer.from(loadContext.cspNonce);
  const body = Buffer.allocUnsafe(bytes + nonce.length * (parts.length - 1));
  let at = 0;
  parts.forEach((part, i) => {
    if (i > 0) at += nonce.copy(body, at);
    at += part.copy(body, at);
  });
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

const requestIdOf = (request: Request) => request.headers.get(REQUEST_ID_HEADER) ?? undefined;

export async function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (response.status >= 500 && response.headers.has('X-Remix-Error') && !unavailable.has(request)) {
    // An unexpected error (its stack is in the log, never here): the browser's error page shows the request id.
    const headers = new Headers(response.headers);
    headers.delete('Content-Length');
    return new Response(
      JSON.stringify({ message: `Unexpected Server Error (request ${requestIdOf(request) ?? 'unknown'})` }),
      { status: response.status, headers },
    );
  }
  if (!unavailable.has(request)) return response;
  return json(
    { message: UNAVAILABLE_MESSAGE },
    { status: 503, headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' } },
  );
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isDatabaseUnavailable(error)) {
    unavailable.add(request);
    console.warn('[app] database unavailable:', (error as Error).message);
    return;
  }
  console.error(
    `[app] unhandled error, request ${requestIdOf(request) ?? 'unknown'}:`,
    request.method,
    new URL(request.url).pathname,
    error,
  );
}
