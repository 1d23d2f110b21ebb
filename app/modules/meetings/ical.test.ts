import { describe, expect, test } from 'vitest';
import { buildCalendar, escapeText, foldLine, formatUtc } from './ical';

const octets = (s: string) => new TextEncoder().encode(s).length;

describe('iCalendar', () => {
  test('text values escape backslashes, semicolons, commas and newlines', () => {
    expect(escapeText('a\\b; c, d\ne\r\nf')).toBe('a\\\\b\\; c\\, d\\ne\\nf');
  });

  test('long lines fold at 75 octets without splitting a UTF-8 character', () => {
    const line = `SUMMARY:${'Réunion d’équipe — ✓ '.repeat(12)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const [i, part] of parts.entries()) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(' ')).toBe(true);
    }
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  test('a calendar has CRLF lines, UTC times, a UID and a DTSTAMP per event', () => {
    const ics = buildCalendar({
      name: 'Demo, weekly',
      timeZone: 'Europe/London',
      now: new Date('2026-11-25T14:00:00Z'),
      events: [
        { uid: 'meeting-7@demo.inspection-forum', start: new Date('2026-11-30T10:00:00Z'), durationMinutes: 90, summary: 'Review; weekly', url: 'http://x.test/m/7', status: 'CONFIRMED' },
      ],
    });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(ics).toContain('\r\nX-WR-CALNAME:Demo\\, weekly\r\n');
    expect(ics).toContain('\r\nUID:meeting-7@demo.inspection-forum\r\nDTSTAMP:20261125T140000Z\r\nDTSTART:20261130T100000Z\r\nDURATION:PT1H30M\r\n');
    expect(ics).toContain('SUMMARY:Review\\; weekly');
    expect(formatUtc(new Date('2027-01-04T09:30:05.123Z'))).toBe('20270104T093005Z');
  });
});
