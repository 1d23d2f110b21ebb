import { sql } from 'kysely';
import { getDb } from '~/utils/db.server';

export async function loader() {
  try {
    await sql`select 1`.execute(getDb());
    return new Response('ready\n', { headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } });
  } catch {
    return new Response('database unavailable\n', {
      status: 503,
      headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' },
    });
  }
}
