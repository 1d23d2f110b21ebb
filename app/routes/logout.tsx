import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { deleteSession, destroySessionCookie } from '~/modules/auth/session.server';
import { getDb } from '~/utils/db.server';

// Logout is a POST only: a GET must never change state.
export async function loader() {
  return redirect('/');
}

export async function action({ request }: ActionFunctionArgs) {
  await deleteSession(getDb(), request);
  return redirect('/login', { status: 303, headers: { 'Set-Cookie': await destroySessionCookie(request) } });
}
