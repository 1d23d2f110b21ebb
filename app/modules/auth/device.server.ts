import Bowser from 'bowser';

/**
 * A session's browser and system in plain words ("Chrome on Linux", "Safari on iOS") from its user-agent, by
 * bowser (parsed on the server: the library stays out of the page's script). Unknown parts are left out.
 */
export function deviceName(userAgent: string | null | undefined): string {
  if (!userAgent?.trim()) return 'Unknown device';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? 'Unknown device';
}
