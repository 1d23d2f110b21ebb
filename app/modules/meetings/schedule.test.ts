import { describe, expect, test } from 'vitest';
import { isValidTimeZone, nextOccurrences, wallClock, zonedTimeToUtc, type ForumSchedule } from './schedule';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const weekly = (timeZone: string, weekday = 1, meetingTime = '10:00'): ForumSchedule => ({
  cadence: 'weekly',
  weekday,
  meetingTime,
  timeZone,
});

describe('wall-clock time in a zone', () => {
  test('Europe/London keeps 10:00 across the spring and autumn changes', () => {
    // Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    expect(
      iso(nextOccurrences(weekly('Europe/London'), { after: null, now: new Date('2026-03-20T00:00:00Z'), count: 2 })),
    ).toEqual(['2026-03-23T10:00:00.000Z', '2026-03-30T09:00:00.000Z']);
    expect(
      iso(nextOccurrences(weekly('Europe/London'), { after: null, now: new Date('2026-10-13T00:00:00Z'), count: 2 })),
    ).toEqual(['2026-10-19T09:00:00.000Z', '2026-10-26T10:00:00.000Z']);
  });

  test('America/New_York keeps 10:00 across the March and November changes', () => {
    // Clocks go forward on Sunday 8 March 2026 and back on Sunday 1 November 2026.
    expect(
      iso(
        nextOccurrences(weekly('America/New_York'), { after: null, now: new Date('2026-02-28T00:00:00Z'), count: 2 }),
      ),
    ).toEqual(['2026-03-02T15:00:00.000Z', '2026-03-09T14:00:00.000Z']);
    expect(
      iso(
        nextOccurrences(weekly('America/New_York'), { after: null, now: new Date('2026-10-20T00:00:00Z'), count: 2 }),
      ),
    ).toEqual(['2026-10-26T14:00:00.000Z', '2026-11-02T15:00:00.000Z']);
  });

  test('a time skipped by the spring change moves forward; a repeated one is its first occurrence', () => {
    expect(
      zonedTimeToUtc({ year: 2026, month: 3, day: 29 }, { hour: 1, minute: 30 }, 'Europe/London').toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
    expect(
      zonedTimeToUtc({ year: 2026, month: 10, day: 25 }, { hour: 1, minute: 30 }, 'Europe/London').toISOString(),
    ).toBe('2026-10-25T00:30:00.000Z');
    expect(
      zonedTimeToUtc({ year: 2026, month: 3, day: 8 }, { hour: 2, minute: 30 }, 'America/New_York').toISOString(),
    ).toBe('2026-03-08T07:30:00.000Z');
    expect(wallClock(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toMatchObject({ hour: 3, minute: 30 });
  });

  test('zones east of Greenwich and without daylight saving', () => {
    expect(zonedTimeToUtc({ year: 2026, month: 6, day: 1 }, { hour: 9, minute: 0 }, 'Asia/Kolkata').toISOString()).toBe(
      '2026-06-01T03:30:00.000Z',
    );
    expect(
      zonedTimeToUtc({ year: 2026, month: 1, day: 5 }, { hour: 9, minute: 0 }, 'Australia/Sydney').toISOString(),
    ).toBe('2026-01-04T22:00:00.000Z');
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('cadences', () => {
  test('weekly starts today when the meeting is still ahead, otherwise next week', () => {
    const schedule = weekly('UTC', 3, '15:00'); // Wednesday 25 November 2026
    expect(iso(nextOccurrences(schedule, { after: null, now: new Date('2026-11-25T14:00:00Z'), count: 1 }))).toEqual([
      '2026-11-25T15:00:00.000Z',
    ]);
    expect(iso(nextOccurrences(schedule, { after: null, now: new Date('2026-11-25T15:00:00Z'), count: 1 }))).toEqual([
      '2026-12-02T15:00:00.000Z',
    ]);
  });

  test('every two weeks keeps the rhythm of the latest meeting, even one long past', () => {
    const schedule: ForumSchedule = { cadence: 'biweekly', weekday: 3, meetingTime: '15:00', timeZone: 'UTC' };
    const after = new Date('2026-09-02T15:00:00Z');
    expect(iso(nextOccurrences(schedule, { after, now: new Date('2026-11-25T16:00:00Z'), count: 2 }))).toEqual([
      '2026-12-09T15:00:00.000Z',
      '2026-12-23T15:00:00.000Z',
    ]);
  });

  test('every two weeks after a meeting held at another time of day uses the forum time', () => {
    const schedule: ForumSchedule = { cadence: 'biweekly', weekday: 3, meetingTime: '15:00', timeZone: 'UTC' };
    expect(
      iso(
        nextOccurrences(schedule, {
          after: new Date('2026-12-02T10:00:00Z'),
          now: new Date('2026-11-25T16:00:00Z'),
          count: 1,
        }),
      ),
    ).toEqual(['2026-12-16T15:00:00.000Z']);
  });

  test('monthly is the first <weekday> of each month', () => {
    const schedule: ForumSchedule = { cadence: 'monthly', weekday: 1, meetingTime: '09:30', timeZone: 'Europe/London' };
    expect(iso(nextOccurrences(schedule, { after: null, now: new Date('2026-11-25T00:00:00Z'), count: 3 }))).toEqual([
      '2026-12-07T09:30:00.000Z',
      '2027-01-04T09:30:00.000Z',
      '2027-02-01T09:30:00.000Z',
    ]);
    expect(
      iso(
        nextOccurrences(schedule, {
          after: new Date('2027-03-01T09:30:00Z'),
          now: new Date('2026-11-25T00:00:00Z'),
          count: 2,
        }),
      ),
    ).toEqual(['2027-04-05T08:30:00.000Z', '2027-05-03T08:30:00.000Z']);
  });

  test('the same inputs give the same meetings (idempotent schedule)', () => {
    const input = { after: new Date('2026-11-23T10:00:00Z'), now: new Date('2026-11-25T14:00:00Z'), count: 3 };
    expect(nextOccurrences(weekly('UTC'), input)).toEqual(nextOccurrences(weekly('UTC'), input));
    expect(iso(nextOccurrences(weekly('UTC'), input))).toEqual([
      '2026-11-30T10:00:00.000Z',
      '2026-12-07T10:00:00.000Z',
      '2026-12-14T10:00:00.000Z',
    ]);
  });
});
