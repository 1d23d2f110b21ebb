import { expect, test } from 'vitest';
import { handleDataRequest } from '../../app/entry.server';
import { REQUEST_ID_HEADER } from '../../app/utils/http.server';
import { REQUEST_ID_IN_MESSAGE } from '../../app/utils/request-id';

// Issue #22: an unexpected error reaches the browser as a request id, never as a stack (the log keeps the stack).
test('a data request’s unexpected error answers with the request id and no stack', async () => {
  const id = '3a6669d0-9ebc-48ca-a49d-8774ad66ffc1';
  const request = new Request('http://localhost/forums/demo?_data=root', { headers: { [REQUEST_ID_HEADER]: id } });
  const failed = new Response(
    JSON.stringify({ message: 'boom', stack: 'Error: boom\n    at loader (/srv/app/routes/x.ts:12:3)' }),
    {
      status: 500,
      headers: { 'X-Remix-Error': 'yes', 'Content-Type': 'application/json; charset=utf-8' },
    },
  );
  const response = await handleDataRequest(failed, { request });
  expect(response.status).toBe(500);
  expect(response.headers.get('X-Remix-Error')).toBe('yes');
  const body = (await response.json()) as { message: string; stack?: string };
  expect(body.stack).toBeUndefined();
  expect(REQUEST_ID_IN_MESSAGE.exec(body.message)?.[1]).toBe(id);
  // Anything else passes through untouched.
  const ok = new Response('{"a":1}', { status: 200 });
  expect(await handleDataRequest(ok, { request })).toBe(ok);
});
