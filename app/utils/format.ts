/** Dates shown to people: in the forum's time zone, unambiguous, short. */
export function formatDate(value: string | Date, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(new Date(value));
}

export function formatDateTime(value: string | Date, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short',
  }).format(new Date(value));
}

export function formatAge(from: string | Date, now: Date = new Date()): string {
  const days = Math.floor((now.getTime() - new Date(from).getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return '1 day';
  return `${days} days`;
}
