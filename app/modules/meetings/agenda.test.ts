import { describe, expect, test } from 'vitest';
import { buildAgenda, exceptionKindOf, isDiscussed, meetingsUntilDue, oneLine, type AgendaFacts } from './agenda';

let nextId = 1;
function facts(overrides: Partial<AgendaFacts> = {}): AgendaFacts {
  const id = nextId++;
  return {
    projectId: id,
    name: `Project ${String(id).padStart(2, '0')}`,
    level: 'light',
    interval: 4,
    baseInterval: 4,
    escalated: false,
    attention: 'none',
    pulled: false,
    statusHealth: 'on_track',
    statusDeadlinePassed: true,
    lastVerdict: 'on_track',
    meetingsSinceReview: 0,
    requestedBy: null,
    ...overrides,
  };
}

describe('the engine-built agenda', () => {
  test('exceptions come first in DESIGN order, each with every reason that applies', () => {
    const requested = facts({ requestedBy: 'Priya Raman' });
    const kickoff = facts({ lastVerdict: null });
    const atRisk = facts({ statusHealth: 'at_risk' });
    const missing = facts({ statusHealth: null, lastVerdict: null });
    const offTrack = facts({ lastVerdict: 'off_track' });
    const escalated = facts({
      escalated: true,
      level: 'tight',
      interval: 1,
      baseInterval: 1,
      statusHealth: 'off_track',
    });
    const agenda = buildAgenda([requested, kickoff, atRisk, missing, offTrack, escalated]);
    expect(agenda.map((a) => a.projectId)).toEqual(
      [escalated, offTrack, missing, atRisk, kickoff, requested].map((f) => f.projectId),
    );
    expect(agenda.every((a) => a.section === 'exception')).toBe(true);
    expect(agenda[0].reason).toBe(
      'Escalated: awaiting a leader override with a corrective plan; Off track (self-reported)',
    );
    expect(agenda[1].reason).toBe('Off track at the last review');
    expect(agenda[2].reason).toBe('Status not posted for this meeting; New project: kickoff review');
    expect(agenda[5].reason).toBe('Requested by Priya Raman');
    expect(agenda.map((a) => a.kind)).toEqual([
      'escalated',
      'off_track',
      'status_missing',
      'at_risk',
      'kickoff',
      'requested',
    ]);
    expect(agenda.map((a) => exceptionKindOf(a.reason))).toEqual([
      'escalated',
      'off_track',
      'status_missing',
      'at_risk',
      'kickoff',
      'requested',
    ]);
    expect(agenda.map((a) => a.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('before the status deadline a status not posted is due, not missing: no exception for it', () => {
    const early = facts({ statusHealth: null, statusDeadlinePassed: false });
    const late = facts({ statusHealth: null, statusDeadlinePassed: true });
    const agenda = buildAgenda([early, late]);
    expect(agenda.map((a) => [a.projectId, a.section])).toEqual([
      [late.projectId, 'exception'],
      [early.projectId, 'consent'],
    ]);
    expect(agenda[1].reason).not.toMatch(/not posted/);
  });

  test('due by cadence when the closed meetings since the last review + 1 reach the interval, like the dashboard', () => {
    const due = facts({ level: 'standard', interval: 2, baseInterval: 2, meetingsSinceReview: 1 });
    const overdue = facts({ level: 'light', interval: 4, meetingsSinceReview: 6 });
    const notYet = facts({ level: 'light', interval: 4, meetingsSinceReview: 2 });
    const capped = facts({
      level: 'light',
      interval: 2,
      attention: 'at_risk',
      lastVerdict: 'at_risk',
      meetingsSinceReview: 1,
    });
    const agenda = buildAgenda([notYet, due, capped, overdue]);
    expect(agenda.map((a) => [a.projectId, a.section])).toEqual([
      [overdue.projectId, 'due'],
      [due.projectId, 'due'],
      [capped.projectId, 'due'],
      [notYet.projectId, 'consent'],
    ]);
    expect(agenda[1].reason).toBe('1 meeting since the last review; every 2 meetings at Standard');
    expect(agenda[2].reason).toBe(
      '1 meeting since the last review; every 2 meetings at Light (at risk at the last review)',
    );
    // "In N meetings" counts the coming meeting as the first, as every page says it (decision 019).
    expect(agenda[3].reason).toBe('Next review in 2 meetings, counting this one; every 4 meetings at Light');
    expect(agenda.map((a) => [a.kind, a.meetingsUntil])).toEqual([
      ['cadence', 0],
      ['cadence', 0],
      ['cadence', 0],
      ['scheduled', 1],
    ]);
    expect(meetingsUntilDue(notYet)).toBe(1);
    expect(meetingsUntilDue(overdue)).toBe(0);
  });

  test('a project pulled by a missed status is due at the next meeting and says why', () => {
    const pulled = facts({ level: 'light', interval: 1, pulled: true, meetingsSinceReview: 0 });
    const [item] = buildAgenda([pulled]);
    expect(item.section).toBe('due');
    expect(item.reason).toContain('pulled in by a flagged or missed status');
  });

  test('Trusted projects with nothing to discuss stay on the consent agenda, sorted by name', () => {
    const b = facts({ name: 'Beta', level: 'trusted', interval: 8, baseInterval: 8, meetingsSinceReview: 3 });
    const a = facts({ name: 'Alpha', level: 'trusted', interval: 8, baseInterval: 8, meetingsSinceReview: 0 });
    expect(buildAgenda([b, a]).map((i) => [i.projectId, i.section])).toEqual([
      [a.projectId, 'consent'],
      [b.projectId, 'consent'],
    ]);
  });

  test('pulled consent items are discussed; one-line summaries', () => {
    expect(isDiscussed({ section: 'consent', pulled: false })).toBe(false);
    expect(isDiscussed({ section: 'consent', pulled: true })).toBe(true);
    expect(isDiscussed({ section: 'due', pulled: false })).toBe(true);
    expect(oneLine('\n  First line  \nsecond')).toBe('First line');
    expect(oneLine('x'.repeat(200), 10)).toBe('xxxxxxxxx…');
  });
});
