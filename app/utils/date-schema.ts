import { z } from 'zod';

/** Years a calendar date typed into a form may have: PostgreSQL refuses year 0, and nobody plans for 3000. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

const isoDate = z.iso.date();

/** The one schema for a calendar date from a form (goal and action item due dates): YYYY-MM-DD, a real day, a sane year. */
export function dateSchema(message = 'Enter a date as YYYY-MM-DD') {
  return z.iso.date({ error: message }).refine((v) => {
    if (!isoDate.safeParse(v).success) return true; // one message for a bad date: the format's
    const year = Number(v.slice(0, 4));
    return year >= MIN_YEAR && year <= MAX_YEAR;
  }, `Enter a date between ${MIN_YEAR} and ${MAX_YEAR}`);
}
