import {
  initialState,
  step,
  type EngineEvent,
  type Health,
  type Level,
  type OversightState,
  type Policy,
} from '../app/oversight';
import { agendaSection, isDiscussed, type AgendaFacts } from '../app/modules/meetings/agenda';
import { seededRandom } from '../app/utils/random';
import type { ForumHistory, HistoryEvent, ProjectHistory } from '../app/modules/policy/what-if';

// Recorded histories for the what-if tests, made in memory as the application records them.
const WEEK = 7 * 86_400_000;
export const T0 = Date.UTC(2026, 0, 5, 10);

/** What the owners report and what a review would find, per project and meeting. */
export interface World {
  projects: { id: number; name: string; ownerId: number; start: Level; status: (Health | null)[]; truth: Health[] }[];
  meetings: number;
}

export function randomWorld(seed: number, projects = 12, meetings = 40): World {
  const rand = seededRandom(seed);
  return {
    meetings,
    projects: Array.from({ length: projects }, (_, i) => {
      const status: (Health | null)[] = [];
      const truth: Health[] = [];
      let actual: Health = 'on_track';
      for (let m = 0; m < meetings; m++) {
        const r = rand();
        actual = r < 0.8 ? 'on_track' : r < 0.93 ? 'at_risk' : 'off_track';
        truth.push(actual);
        const posted = rand() > 0.04;
        // Mostly honest owners; now and then one reports better than the truth.
        status.push(posted ? (rand() < 0.85 ? actual : 'on_track') : null);
      }
      return {
        id: i + 1,
        name: `Project ${i + 1}`,
        ownerId: 100 + (i % 4),
        start: (['standard', 'light', 'tight'] as const)[i % 3],
        status,
        truth,
      };
    }),
  };
}

/**
 * Records a world as the application does, under `policy` from the start: statuses as posted, and at each close
 * a missed status, a review of every project the agenda discusses (its verdict from `verdict`), spill-overs.
 */
export function record(
  world: World,
  policy: Policy,
  verdict: (projectId: number, m: number, selfReport: Health) => Health,
): { history: ForumHistory; states: Map<number, OversightState> } {
  const meetings = Array.from({ length: world.meetings }, (_, m) => ({
    id: 1000 + m,
    scheduledAt: new Date(T0 + m * WEEK).toISOString(),
    closedAt: T0 + m * WEEK + 3_600_000,
  }));
  const sims = world.projects.map((p) => ({
    p,
    state: { ...initialState(p.start, policy), rule: 'start', explanation: 'Test start' } as OversightState,
    events: [
      { type: 'start', payload: { level: p.start, reason: 'Test start' }, meeting: null, at: T0 - WEEK },
    ] as HistoryEvent[],
    lastVerdict: null as Health | null,
    lastReview: -1,
    lastStatus: null as Health | null,
  }));
  type Sim = (typeof sims)[number];
  const push = (s: Sim, event: EngineEvent, m: number) => {
    s.state = step(s.state, event, policy);
    const { type, ...payload } = event;
    s.events.push({ type, payload, meeting: m, at: meetings[m].closedAt });
  };
  for (let m = 0; m < world.meetings; m++) {
    const hard = new Set<number>();
    for (const s of sims) {
      const health = s.p.status[m];
      if (health) {
        push(s, { type: 'status', health }, m);
        s.lastStatus = health;
      }
      const facts: AgendaFacts = {
        projectId: s.p.id,
        name: s.p.name,
        level: s.state.level,
        interval: s.state.interval,
        baseInterval: s.state.baseInterval,
        escalated: s.state.escalated,
        attention: s.state.attention,
        pulled: s.state.pulled,
        statusHealth: health,
        statusDeadlinePassed: true,
        lastVerdict: s.lastVerdict,
        meetingsSinceReview: s.lastReview < 0 ? m : m - s.lastReview - 1,
        requestedBy: null,
      };
      if (!health) push(s, { type: 'missed' }, m);
      if (isDiscussed({ section: agendaSection(facts), pulled: false })) {
        const selfReport = s.lastStatus ?? 'on_track';
        const v = verdict(s.p.id, m, selfReport);
        push(s, { type: 'review', verdict: v, selfReport }, m);
        s.lastVerdict = v;
        s.lastReview = m;
        if (s.state.eventClass === 'HARD_MISS') hard.add(s.p.id);
      }
    }
    for (const s of sims) {
      if (hard.has(s.p.id) || (s.state.level !== 'trusted' && s.state.level !== 'light')) continue;
      const causes = sims.filter((o) => hard.has(o.p.id) && o.p.ownerId === s.p.ownerId).map((o) => o.p.name);
      if (causes.length > 0) push(s, { type: 'spillover', project: causes.join(' and ') }, m);
    }
  }
  const projects: ProjectHistory[] = sims.map((s) => ({
    id: s.p.id,
    name: s.p.name,
    ownerId: s.p.ownerId,
    archived: false,
    events: s.events,
  }));
  return {
    history: { meetings, projects, leaderAsked: new Set(), minutesPerReview: 15, actualPolicy: policy },
    states: new Map(sims.map((s) => [s.p.id, s.state])),
  };
}

export const truthful = (world: World) => (id: number, m: number) => world.projects[id - 1].truth[m];
