import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Health, type OversightState, type Policy } from '~/oversight';
import { previewHistory, simulate } from './what-if';
import { record, randomWorld, truthful, type World } from '../../../tests/what-if-history';

const pick = (s: OversightState) => ({
  level: s.level,
  interval: s.interval,
  escalated: s.escalated,
  streak: s.streak,
  window: [...s.window],
});

const LOOSER: Policy = {
  ...DEFAULT_POLICY,
  intervalStandard: 4,
  intervalLight: 8,
  intervalTrusted: 16,
  loosenStreakTight: 2,
  loosenStreakStandard: 2,
  loosenStreakLight: 2,
};
const TIGHTER: Policy = {
  ...DEFAULT_POLICY,
  intervalStandard: 1,
  intervalLight: 2,
  intervalTrusted: 3,
  loosenStreakStandard: 6,
  loosenStreakLight: 6,
};
const EVERY_MEETING: Policy = { ...DEFAULT_POLICY, intervalStandard: 1, intervalLight: 1, intervalTrusted: 1 };

describe('what-if simulate', () => {
  it('reproduces the recorded states exactly when the candidate is the policy in force (identity)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const policy of [DEFAULT_POLICY, LOOSER, TIGHTER]) {
        const world = randomWorld(seed);
        const { history, states } = record(world, policy, truthful(world));
        const { actual, candidate } = simulate(history, policy);
        for (const [id, state] of states) {
          expect(pick(actual.states.get(id)!)).toEqual(pick(state));
          expect(candidate.states.get(id)).toEqual(actual.states.get(id));
        }
        expect(candidate.reviewsPerMeeting).toEqual(actual.reviewsPerMeeting);
        expect(candidate.skipped + candidate.added).toBe(0);
        expect(candidate.findings.every((f) => f.foundAt === f.meeting)).toBe(true);
        const preview = previewHistory(history, policy);
        expect(preview.looser).toEqual([]);
        expect(preview.tighter).toEqual([]);
        expect(preview.levels.map((l) => l.actual)).toEqual(preview.levels.map((l) => l.candidate));
      }
    }
  });

  it('applying a candidate yields what its preview showed: recorded under it from the start, with no review skipped', () => {
    for (const seed of [11, 12, 13, 14]) {
      for (const p2 of [EVERY_MEETING, TIGHTER]) {
        const world = randomWorld(seed);
        const recorded = record(world, DEFAULT_POLICY, truthful(world));
        const { candidate } = simulate(recorded.history, p2);
        if (candidate.skipped > 0) continue; // the model moves skipped findings: no real forum would match
        // The same forum run under P2: the recorded reviews find what they found; the extra ones, the self-report.
        const reviewed = new Map<string, Health>();
        for (const p of recorded.history.projects)
          for (const e of p.events)
            if (e.type === 'review') reviewed.set(`${p.id}:${e.meeting}`, e.payload.verdict as Health);
        const underP2 = record(world, p2, (id, m, selfReport) => reviewed.get(`${id}:${m}`) ?? selfReport);
        for (const [id, state] of underP2.states) expect(pick(candidate.states.get(id)!)).toEqual(pick(state));
        expect(candidate.reviewsPerMeeting).toEqual(
          underP2.history.meetings.map(
            (_, m) =>
              underP2.history.projects.filter((p) => p.events.some((e) => e.type === 'review' && e.meeting === m))
                .length,
          ),
        );
      }
    }
    // EVERY_MEETING never skips: the comparison above ran at least for it.
    const world = randomWorld(11);
    expect(simulate(record(world, DEFAULT_POLICY, truthful(world)).history, EVERY_MEETING).candidate.skipped).toBe(0);
  });

  it('a looser candidate holds fewer reviews, a tighter one more', () => {
    const world = randomWorld(21, 20, 60);
    const { history } = record(world, DEFAULT_POLICY, truthful(world));
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const base = total(simulate(history, DEFAULT_POLICY).actual.reviewsPerMeeting);
    const looser = previewHistory(history, LOOSER);
    const tighter = previewHistory(history, TIGHTER);
    expect(total(simulate(history, LOOSER).candidate.reviewsPerMeeting)).toBeLessThan(base);
    expect(total(simulate(history, TIGHTER).candidate.reviewsPerMeeting)).toBeGreaterThan(base);
    expect(looser.reviewChanges.skipped).toBeGreaterThan(0);
    expect(tighter.reviewChanges.added).toBeGreaterThan(0);
    expect(looser.loadTotals.candidate.reviews).toBeLessThanOrEqual(looser.loadTotals.actual.reviews);
    expect(tighter.loadTotals.candidate.reviews).toBeGreaterThan(tighter.loadTotals.actual.reviews);
    expect(looser.load).toHaveLength(12);
    expect(looser.loadTotals.actual.hours).toBe((looser.loadTotals.actual.reviews * 15) / 60);
    expect(JSON.parse(JSON.stringify(looser))).toEqual(looser);
  });

  it('moves a finding whose review the candidate skips to its next review of the project, and counts the meetings', () => {
    // One Trusted project, reported on track throughout; at meeting 6 it was really at risk. Recorded with Trusted
    // reviewed every 3 meetings: reviews at 0 (kickoff), 3, 6 (finds the miss: Trusted → Light), 8, 12.
    const world: World = {
      meetings: 14,
      projects: [
        {
          id: 1,
          name: 'Solo',
          ownerId: 1,
          start: 'trusted',
          status: Array(14).fill('on_track'),
          truth: Array.from({ length: 14 }, (_, m) => (m === 6 ? 'at_risk' : 'on_track')),
        },
      ],
    };
    const { history } = record(world, { ...DEFAULT_POLICY, intervalTrusted: 3 }, truthful(world));
    expect(history.projects[0].events.filter((e) => e.type === 'review').map((e) => e.meeting)).toEqual([
      0, 3, 6, 8, 12,
    ]);
    // Trusted every 5 meetings: reviews at 0, 5 (added: finds the self-report), 10 (added: finds the moved miss), 12.
    const { candidate } = simulate(history, { ...DEFAULT_POLICY, intervalTrusted: 5 });
    expect(candidate.findings).toEqual([
      { projectId: 1, meeting: 6, verdict: 'at_risk', selfReport: 'on_track', foundAt: 10 },
    ]);
    expect(candidate.reviewsPerMeeting.flatMap((n, m) => (n ? [m] : []))).toEqual([0, 5, 10, 12]);
    expect(candidate.states.get(1)?.level).toBe('light');
    const preview = previewHistory(history, { ...DEFAULT_POLICY, intervalTrusted: 5 });
    expect(preview.latency).toMatchObject({ found: 1, same: 0, later: 1, notFound: 0, averageDelay: 4, maxDelay: 4 });
    expect(preview.latency.items[0]).toMatchObject({
      project: 'Solo',
      verdict: 'at_risk',
      selfReport: 'on_track',
      candidate: 4,
      foundAt: history.meetings[6].scheduledAt,
    });
    expect(preview.reviewChanges).toEqual({ skipped: 3, added: 2 });
    // Under the record's own policy the miss is found the same meeting.
    expect(previewHistory(history, { ...DEFAULT_POLICY, intervalTrusted: 3 }).latency).toMatchObject({
      found: 1,
      same: 1,
      later: 0,
    });
  });

  it('replays the actual history under the version each event was recorded under, not the policy in force now', () => {
    for (const seed of [31, 32, 33]) {
      const world = randomWorld(seed);
      // Recorded under TIGHTER (version 1); the chair has since saved LOOSER (version 2), which records nothing yet.
      const { history, states } = record(world, TIGHTER, truthful(world));
      const versioned = {
        ...history,
        actualPolicy: LOOSER,
        policyVersions: new Map([
          [1, TIGHTER],
          [2, LOOSER],
        ]),
        projects: history.projects.map((p) => ({ ...p, events: p.events.map((e) => ({ ...e, policyVersion: 1 })) })),
      };
      const { actual } = simulate(versioned, TIGHTER);
      for (const [id, state] of states) expect(pick(actual.states.get(id)!)).toEqual(pick(state));
      // The candidate equal to the recorded versions changes nothing.
      expect(previewHistory(versioned, TIGHTER).reviewChanges).toEqual({ skipped: 0, added: 0 });
      // Without the versions the actual replay would judge the whole record by LOOSER: it departs from the record.
      const unversioned = simulate({ ...versioned, policyVersions: undefined }, TIGHTER).actual;
      expect(
        [...states].some(
          ([id, state]) => JSON.stringify(pick(unversioned.states.get(id)!)) !== JSON.stringify(pick(state)),
        ),
      ).toBe(true);
    }
  });
});
