import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { renderToString } from 'react-dom/server';
import './load-context';
import { json } from '@remix-run/node';
import { isDatabaseUnavailable, serviceUnavailablePage, UNAVAILABLE_MESSAGE } from './utils/db-errors.server';

// Requests whose loader or action could not reach the database: they answer 503, not 500.
const unavailable = new WeakSet<Request>();

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  if (unavailable.has(request)) return serviceUnavailablePage();
  const nonce = loadContext.cspNonce;
  // No page defers data, so streaming buys nothing: the page is rendered to one string and sent in one piece
  // (renderToString builds a string; the stream renderer encodes many small chunks, which costs more).
  const html = renderToString(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />);
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

export function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (!unavailable.has(request)) return response;
  return json({ message: UNAVAILABLE_MESSAGE }, { status: 503, headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' } });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isDatabaseUnavailable(error)) {
    unavailable.add(request);
    console.warn('[app] database unavailable:', (error as Error).message);
    return;
  }
  console.error('[app] unhandled error', request.method, new URL(request.url).pathname, error);
}
