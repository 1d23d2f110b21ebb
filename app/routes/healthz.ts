// The process is up (it answers); /readyz says whether the database is reachable.
export function loader() {
  return new Response('ok\n', { headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } });
}
