import { databaseAnswers } from '~/utils/db.server';

export async function loader() {
  const headers = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' };
  if (await databaseAnswers()) return new Response('ready\n', { headers });
  return new Response('database unavailable\n', { status: 503, headers });
}
