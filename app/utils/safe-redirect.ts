const ORIGIN = 'http://inspection-forum.invalid';

/**
 * The one check for a redirect target that comes from input (issue #22): a path on this site, or `fallback`.
 * Control characters are refused outright (browsers drop a TAB or newline, so `/<TAB>/evil.example` would
 * become `//evil.example`; CR/LF would split the header); the rest is parsed as the browser will parse it,
 * against this site's origin, and kept only if it stays there. What is returned is the parsed path, query
 * and fragment, so a protocol-relative `//host` can never come out of it either.
 */
export function safeRedirect(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2000) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(target)) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  let url: URL;
  try {
    url = new URL(target, ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  return path;
}
