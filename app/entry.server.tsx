import { Writable } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';
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
  // No page defers data, so streaming buys nothing: render the whole page, then send it in one piece (the
  // stream's many small writes cost more than the render on big pages).
  return new Promise<Response>((resolve, reject) => {
    let abortTimer: ReturnType<typeof setTimeout> | undefined = undefined;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />,
      {
        nonce,
        onAllReady() {
          const chunks: Buffer[] = [];
          const sink = new Writable({
            write(chunk: Buffer, _encoding, callback) {
              chunks.push(chunk);
              callback();
            },
            final(callback) {
              clearTimeout(abortTimer);
              responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
              resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
              callback();
            },
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          console.error('[app] render failed', error);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          console.error('[app] render error', error);
        },
      },
    );
    abortTimer = setTimeout(abort, ABORT_DELAY);
  });
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
