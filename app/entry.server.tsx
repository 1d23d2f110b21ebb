import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
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
  const waitForAll = isbot(request.headers.get('user-agent') ?? '');
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    // Cleared once the page is written: left pending, it kept each finished render in memory for ABORT_DELAY, about
    // 100 MB more resident memory under load (issue #8).
    let abortTimer: ReturnType<typeof setTimeout> | undefined = undefined;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />,
      {
        nonce,
        [waitForAll ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true;
          const body = new PassThrough();
          body.on('end', () => clearTimeout(abortTimer));
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          console.error('[app] render failed', error);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
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
