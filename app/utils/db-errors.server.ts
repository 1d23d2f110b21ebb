// Errors that mean "the database cannot be reached right now" (restart, network, pool exhausted), as
// opposed to a bug or bad data. Requests that hit one answer 503 with a friendly page instead of a 500.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down)/i,
  /not queryable/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SQLSTATES.has(code) || CODES.has(code))) return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    if (
      Array.isArray((e as { errors?: unknown }).errors) &&
      (e as { errors: unknown[] }).errors.some(isDatabaseUnavailable)
    )
      return true;
  }
  return false;
}

export const UNAVAILABLE_MESSAGE =
  'Inspection Forum cannot reach its database for a moment. Nothing you saved is lost; please try again in a few seconds.';

export function serviceUnavailablePage(): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefly unavailable · Inspection Forum</title><link rel="stylesheet" href="/unavailable.css"></head>
<body><main class="unavailable"><h1>Briefly unavailable</h1><p>${UNAVAILABLE_MESSAGE}</p><p><a href="">Try again</a></p></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' },
  });
}
