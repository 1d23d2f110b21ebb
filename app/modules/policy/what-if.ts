import {
  classifyReview,
  initialState,
  levelIndex,
  step,
  type EngineEvent,
  type Health,
  type Level,
  type OversightState,
  type Policy,
} from '~/oversight';
import { agendaSection, isDiscussed, type AgendaFacts } from '~/modules/meetings/agenda';

/**
 * The what-if preview's counterfactual model (docs/decisions/016-what-if-preview.md), in the words the page and
 * the CLI show.
 */
export const WHAT_IF_MODEL =
  'This is a counterfactual: the forum’s recorded history (every status, missed status, review verdict, override and restart) is replayed meeting by meeting under the candidate policy, and each meeting’s agenda is rebuilt from the replayed levels with the same rules as the real agenda. ' +
  'Where both policies agree, the record stands. A recorded review that the policy then in force scheduled but the candidate would not have is skipped: that cycle carries the owner’s self-report, and a miss the review found moves to the candidate’s next review of that project (the detection latency). ' +
  'A review the candidate would schedule where none was recorded has no verdict to replay: we assume it would have found what the owner’s self-report said (on track when no status was ever posted). ' +
  'Reviews a leader asked for, overrides and restarts happen as recorded; spill-overs follow the candidate’s hard misses. Nothing is saved.';

export type HistoryEventType = 'start' | 'review' | 'status' | 'missed' | 'override' | 'spillover' | 'restart';

/** One recorded oversight event (an oversight_events row) as the simulation reads it. */
export interface HistoryEvent {
  type: HistoryEventType;
  /** The engine input (for `start`: `{ level, reason }`). */
  payload: Record<string, unknown>;
  /** Index into ForumHistory.meetings of the meeting the event belongs to; null when it belongs to none. */
  meeting: number | null;
  /** When it happened (ms since the epoch): places events that belong to no meeting. */
  at: number;
  /** The policy version in force when it was recorded (oversight_events.policy_version); absent: the current policy. */
  policyVersion?: number;
}

export interface ProjectHistory {
  id: number;
  name: string;
  ownerId: number;
  archived: boolean;
  /** In recorded order (seq). */
  events: HistoryEvent[];
}

export interface ForumHistory {
  /** The forum's closed meetings, oldest first. */
  meetings: { id: number; scheduledAt: string; closedAt: number }[];
  projects: ProjectHistory[];
  /** `${projectId}:${meetingIndex}` for every project a leader asked for or pulled from the consent agenda. */
  leaderAsked: ReadonlySet<string>;
  minutesPerReview: number;
  /** The forum's policy in force now: the actual replay's policy for an event without a (stored, valid) version. */
  actualPolicy: Policy;
  /** The forum's policy versions by number: the actual replay steps each event under the version it was recorded under. */
  policyVersions?: ReadonlyMap<number, Policy>;
}

/** One policy's replay of the history. */
export interface Outcome {
  /** Final state per project id. */
  states: Map<number, OversightState>;
  /** The explanation of the event that last set each project's level (its start, a change, an override). */
  lastChange: Map<number, string>;
  /** Reviews per meeting (index as in ForumHistory.meetings). */
  reviewsPerMeeting: number[];
  /** Events that escalated a project. */
  escalations: number;
  /** Findings: misses found by a recorded review, and when this replay found them (null: not yet). */
  findings: Finding[];
  /** Recorded reviews this replay skipped, and reviews it added where none was recorded. */
  skipped: number;
  added: number;
}

export interface Finding {
  projectId: number;
  /** The meeting (index) of the recorded review that found it. */
  meeting: number;
  verdict: Health;
  selfReport: Health;
  /** The meeting (index) of this replay's review that found it; null when none did by the end of the history. */
  foundAt: number | null;
}

// Shared engine inputs: the engine never mutates an event.
const STATUS_ON: EngineEvent = Object.freeze({ type: 'status', health: 'on_track' });
const STATUS_AT: EngineEvent = Object.freeze({ type: 'status', health: 'at_risk' });
const STATUS_OFF: EngineEvent = Object.freeze({ type: 'status', health: 'off_track' });
const MISSED: EngineEvent = Object.freeze({ type: 'missed' });
const FINDING = new Set(['SOFT_MISS', 'HARD_MISS']);
const HEALTH_RANK: Record<Health, number> = { on_track: 0, at_risk: 1, off_track: 2 };
const worse = (a: Health, b: Health): Health => (HEALTH_RANK[a] >= HEALTH_RANK[b] ? a : b);

interface Track {
  state: OversightState | null;
  lastVerdict: Health | null;
  lastReviewMeeting: number;
  lastChange: string;
  /** Findings waiting for this replay's next review of the project. */
  pending: Finding[];
}

function startState(level: Level, reason: string, policy: Policy): OversightState {
  return { ...initialState(level, policy), rule: 'start', explanation: reason };
}

function apply(
  t: Track,
  event: EngineEvent | { type: 'start'; level: Level; reason: string },
  policy: Policy,
  counts: { escalations: number },
): void {
  const next =
    event.type === 'start'
      ? startState(event.level, event.reason, policy)
      : step(t.state ?? startState('standard', 'Starting level', policy), event, policy);
  if (next.rule === 'escalate') counts.escalations += 1;
  if (next.changed || next.rule === 'start' || next.rule === 'override' || next.rule === 'restart')
    t.lastChange = next.explanation;
  t.state = next;
}

/** Two replays the agenda cannot tell apart at a meeting (then both discuss the project, or neither). */
function sameAgenda(a: Track, c: Track): boolean {
  const x = a.state;
  const y = c.state;
  return (
    x !== null &&
    y !== null &&
    x.level === y.level &&
    x.interval === y.interval &&
    x.baseInterval === y.baseInterval &&
    x.escalated === y.escalated &&
    x.attention === y.attention &&
    x.pulled === y.pulled &&
    a.lastVerdict === c.lastVerdict &&
    a.lastReviewMeeting === c.lastReviewMeeting
  );
}

/** Where the agenda puts the project at meeting `m` for this replay: discussed (a review) or not. */
function discussed(t: Track, m: number, cycleStatus: Health | null, asked: boolean): boolean {
  const s = t.state;
  if (!s) return false;
  const facts: AgendaFacts = {
    projectId: 0,
    name: '',
    level: s.level,
    interval: s.interval,
    baseInterval: s.baseInterval,
    escalated: s.escalated,
    attention: s.attention,
    pulled: s.pulled,
    statusHealth: cycleStatus,
    statusDeadlinePassed: true,
    lastVerdict: t.lastVerdict,
    meetingsSinceReview: t.lastReviewMeeting < 0 ? m : m - t.lastReviewMeeting - 1,
    requestedBy: asked ? 'a leader' : null,
  };
  return isDiscussed({ section: agendaSection(facts), pulled: asked });
}

/**
 * Replays the history under `policy` (pure). The actual history is replayed alongside (under
 * `history.actualPolicy`, every recorded event as recorded) to know which recorded reviews the recorded policy
 * scheduled; the candidate departs from the record only where the two schedules disagree (the model above).
 * With `policy` equal to the recorded one, the result is the replay of the record.
 */
export function simulate(history: ForumHistory, policy: Policy): { actual: Outcome; candidate: Outcome } {
  const meetings = history.meetings;
  const M = meetings.length;
  // The actual replay steps each event under the version it was recorded under (decision 015), as the record did.
  const versions = history.policyVersions;
  const apOf = (e: HistoryEvent): Policy =>
    (e.policyVersion !== undefined && versions?.get(e.policyVersion)) || history.actualPolicy;
  const newOutcome = (): Outcome => ({
    states: new Map(),
    lastChange: new Map(),
    reviewsPerMeeting: new Array<number>(M).fill(0),
    escalations: 0,
    findings: [],
    skipped: 0,
    added: 0,
  });
  const actual = newOutcome();
  const candidate = newOutcome();

  // Each event's phase: the meeting whose close it precedes (M: after the last closed meeting). An event never
  // runs later than a later event of the same project (suffix minimum), so each project's record keeps its order.
  const projects = history.projects.map((p) => {
    const n = p.events.length;
    const phase = new Int32Array(n);
    let next = M;
    let mi = 0;
    for (let i = 0; i < n; i++) {
      const e = p.events[i];
      if (e.meeting !== null) phase[i] = e.meeting;
      else {
        // The first meeting closed at or after the event.
        if (mi > 0 && meetings[mi - 1].closedAt >= e.at) mi = 0;
        while (mi < M && meetings[mi].closedAt < e.at) mi++;
        phase[i] = mi;
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      if (phase[i] > next) phase[i] = next;
      next = phase[i];
    }
    // The last meeting the project took part in: an archived project stops there.
    let lastMeeting = -1;
    for (const e of p.events) if (e.meeting !== null && e.meeting > lastMeeting) lastMeeting = e.meeting;
    const track = (): Track => ({ state: null, lastVerdict: null, lastReviewMeeting: -1, lastChange: '', pending: [] });
    return {
      p,
      phase,
      cursor: 0,
      a: track(),
      c: track(),
      activeUntil: p.archived ? lastMeeting : M,
      cycleStatus: null as Health | null,
      cycleMeeting: -1,
      lastStatus: null as Health | null,
      reviewedAt: -1,
    };
  });
  // Leader asks per project, by meeting index.
  const askedBy = new Map<number, Set<number>>();
  for (const key of history.leaderAsked) {
    const [id, m] = key.split(':').map(Number);
    const set = askedBy.get(id) ?? new Set<number>();
    set.add(m);
    askedBy.set(id, set);
  }
  const byOwner = new Map<number, typeof projects>();
  for (const x of projects) {
    const list = byOwner.get(x.p.ownerId);
    if (list) list.push(x);
    else byOwner.set(x.p.ownerId, [x]);
  }

  const review = (t: Track, out: Outcome, m: number, verdict: Health, selfReport: Health, p: Policy) => {
    let v = verdict;
    for (const f of t.pending) {
      v = worse(v, f.verdict);
      f.foundAt = m;
    }
    t.pending.length = 0;
    apply(t, { type: 'review', verdict: v, selfReport }, p, out);
    t.lastVerdict = v;
    t.lastReviewMeeting = m;
    out.reviewsPerMeeting[m] += 1;
  };

  const hardMissOwners = { a: new Set<number>(), c: new Set<number>() };
  const hardMissProjects = { a: new Set<number>(), c: new Set<number>() };

  for (let m = 0; m <= M; m++) {
    hardMissOwners.a.clear();
    hardMissOwners.c.clear();
    hardMissProjects.a.clear();
    hardMissProjects.c.clear();
    for (const x of projects) {
      const events = x.p.events;
      x.reviewedAt = -1;
      while (x.cursor < events.length && x.phase[x.cursor] <= m) {
        const e = events[x.cursor++];
        const pl = e.payload;
        switch (e.type) {
          case 'start':
          case 'restart':
          case 'override': {
            const ev =
              e.type === 'start'
                ? { type: 'start' as const, level: (pl.level as Level) ?? 'standard', reason: String(pl.reason ?? '') }
                : ({ type: e.type, level: pl.level as Level, reason: String(pl.reason ?? '') } as EngineEvent);
            apply(x.a, ev, apOf(e), actual);
            apply(x.c, ev, policy, candidate);
            break;
          }
          case 'status': {
            const health = pl.health as Health;
            const ev = health === 'on_track' ? STATUS_ON : health === 'at_risk' ? STATUS_AT : STATUS_OFF;
            apply(x.a, ev, apOf(e), actual);
            apply(x.c, ev, policy, candidate);
            x.lastStatus = health;
            if (e.meeting !== null) {
              x.cycleStatus = health;
              x.cycleMeeting = e.meeting;
            }
            break;
          }
          case 'missed':
            apply(x.a, MISSED, apOf(e), actual);
            apply(x.c, MISSED, policy, candidate);
            break;
          case 'spillover':
            // The record's spill-over stands in the actual replay; the candidate's follow its own hard misses.
            apply(x.a, { type: 'spillover', project: pl.project as string | undefined }, apOf(e), actual);
            break;
          case 'review': {
            const verdict = pl.verdict as Health;
            const selfReport = pl.selfReport as Health;
            const rm = e.meeting ?? m;
            const status = x.cycleMeeting === rm ? x.cycleStatus : null;
            const asked = askedBy.get(x.p.id)?.has(rm) ?? false;
            const scheduledByRecord = discussed(x.a, rm, status, asked);
            const keep = !scheduledByRecord || sameAgenda(x.a, x.c) || discussed(x.c, rm, status, asked);
            const isFinding = FINDING.has(classifyReview(verdict, selfReport));
            review(x.a, actual, rm, verdict, selfReport, apOf(e));
            if (isFinding) actual.findings.push({ projectId: x.p.id, meeting: rm, verdict, selfReport, foundAt: rm });
            if (x.a.state?.eventClass === 'HARD_MISS') {
              hardMissOwners.a.add(x.p.ownerId);
              hardMissProjects.a.add(x.p.id);
            }
            if (isFinding) {
              const f: Finding = { projectId: x.p.id, meeting: rm, verdict, selfReport, foundAt: null };
              candidate.findings.push(f);
              x.c.pending.push(f);
            }
            if (!keep) candidate.skipped += 1;
            else {
              review(x.c, candidate, rm, verdict, selfReport, policy);
              if (x.c.state?.eventClass === 'HARD_MISS') {
                hardMissOwners.c.add(x.p.ownerId);
                hardMissProjects.c.add(x.p.id);
              }
            }
            x.reviewedAt = rm;
            break;
          }
        }
      }
      // A review the candidate schedules where the record has none: it finds what the self-report said.
      if (m < M && x.reviewedAt !== m && x.c.state && m <= x.activeUntil) {
        const status = x.cycleMeeting === m ? x.cycleStatus : null;
        const asked = askedBy.get(x.p.id)?.has(m) ?? false;
        if (
          x.a.state &&
          !sameAgenda(x.a, x.c) &&
          !discussed(x.a, m, status, asked) &&
          discussed(x.c, m, status, asked)
        ) {
          const selfReport = x.lastStatus ?? 'on_track';
          review(x.c, candidate, m, selfReport, selfReport, policy);
          candidate.added += 1;
          if (x.c.state.eventClass === 'HARD_MISS') {
            hardMissOwners.c.add(x.p.ownerId);
            hardMissProjects.c.add(x.p.id);
          }
        }
      }
    }
    // Honesty spill-over, as a meeting's close applies it: the owner's other Trusted and Light projects.
    for (const owner of hardMissOwners.c) {
      for (const other of byOwner.get(owner) ?? []) {
        if (hardMissProjects.c.has(other.p.id) || !other.c.state || m > other.activeUntil) continue;
        const level = other.c.state.level;
        if (level !== 'trusted' && level !== 'light') continue;
        const cause = (byOwner.get(owner) ?? [])
          .filter((y) => hardMissProjects.c.has(y.p.id))
          .map((y) => y.p.name)
          .join(' and ');
        apply(other.c, { type: 'spillover', project: cause }, policy, candidate);
      }
    }
  }

  for (const x of projects) {
    if (x.a.state) {
      actual.states.set(x.p.id, x.a.state);
      actual.lastChange.set(x.p.id, x.a.lastChange);
    }
    if (x.c.state) {
      candidate.states.set(x.p.id, x.c.state);
      candidate.lastChange.set(x.p.id, x.c.lastChange);
    }
  }
  return { actual, candidate };
}

export const LEVEL_ORDER: readonly Level[] = ['tight', 'standard', 'light', 'trusted'];

/** The JSON the page and the CLI show. Dates are ISO strings; nothing here needs the database. */
export interface PolicyPreview {
  model: string;
  minutesPerReview: number;
  levels: { level: Level; actual: number; candidate: number }[];
  looser: ProjectChange[];
  tighter: ProjectChange[];
  load: {
    meetingId: number;
    scheduledAt: string;
    actual: { reviews: number; hours: number };
    candidate: { reviews: number; hours: number };
  }[];
  loadTotals: { actual: { reviews: number; hours: number }; candidate: { reviews: number; hours: number } };
  /** Over the whole history: recorded reviews the candidate skips, and reviews it adds. */
  reviewChanges: { skipped: number; added: number };
  latency: {
    found: number;
    same: number;
    later: number;
    notFound: number;
    /** Mean delay, in meetings, over the misses found later. */
    averageDelay: number | null;
    maxDelay: number | null;
    /** The misses the candidate finds later (`candidate`: meetings later) or not at all (null), latest first (at most LATENCY_ITEMS). */
    items: {
      projectId: number;
      project: string;
      foundAt: string;
      verdict: Health;
      selfReport: Health;
      candidate: number | null;
    }[];
    omitted: number;
  };
  escalations: { actual: number; candidate: number; escalatedNow: { actual: number; candidate: number } };
}

export interface ProjectChange {
  projectId: number;
  project: string;
  actual: Level;
  candidate: Level;
  /** The engine's explanation of the candidate's level (the event that last set it). */
  why: string;
  /** The engine's explanation of the actual level. */
  actualWhy: string;
}

export const LOAD_MEETINGS = 12;
export const LATENCY_ITEMS = 100;

const hours = (reviews: number, minutes: number) => Math.round(((reviews * minutes) / 60) * 100) / 100;

/** The comparison of the two replays, plain JSON. */
export function comparePreview(history: ForumHistory, result: { actual: Outcome; candidate: Outcome }): PolicyPreview {
  const { actual, candidate } = result;
  const names = new Map(history.projects.map((p) => [p.id, p.name]));
  const active = history.projects.filter((p) => !p.archived && actual.states.has(p.id) && candidate.states.has(p.id));
  const levels = LEVEL_ORDER.map((level) => ({ level, actual: 0, candidate: 0 }));
  const looser: ProjectChange[] = [];
  const tighter: ProjectChange[] = [];
  let escalatedA = 0;
  let escalatedC = 0;
  for (const p of active) {
    const a = actual.states.get(p.id)!;
    const c = candidate.states.get(p.id)!;
    levels[levelIndex(a.level)].actual += 1;
    levels[levelIndex(c.level)].candidate += 1;
    if (a.escalated) escalatedA += 1;
    if (c.escalated) escalatedC += 1;
    const diff = levelIndex(c.level) - levelIndex(a.level);
    if (diff === 0) continue;
    const change: ProjectChange = {
      projectId: p.id,
      project: p.name,
      actual: a.level,
      candidate: c.level,
      why: candidate.lastChange.get(p.id) || c.explanation,
      actualWhy: actual.lastChange.get(p.id) || a.explanation,
    };
    (diff > 0 ? looser : tighter).push(change);
  }
  const byName = (x: ProjectChange, y: ProjectChange) =>
    x.project.localeCompare(y.project) || x.projectId - y.projectId;
  looser.sort(byName);
  tighter.sort(byName);

  const M = history.meetings.length;
  const mpr = history.minutesPerReview;
  const load = history.meetings.slice(Math.max(0, M - LOAD_MEETINGS)).map((meeting, i) => {
    const m = Math.max(0, M - LOAD_MEETINGS) + i;
    const a = actual.reviewsPerMeeting[m];
    const c = candidate.reviewsPerMeeting[m];
    return {
      meetingId: meeting.id,
      scheduledAt: meeting.scheduledAt,
      actual: { reviews: a, hours: hours(a, mpr) },
      candidate: { reviews: c, hours: hours(c, mpr) },
    };
  });
  const sumA = load.reduce((s, l) => s + l.actual.reviews, 0);
  const sumC = load.reduce((s, l) => s + l.candidate.reviews, 0);

  let same = 0;
  let later = 0;
  let notFound = 0;
  let delaySum = 0;
  let maxDelay: number | null = null;
  const items: PolicyPreview['latency']['items'] = [];
  for (const f of candidate.findings) {
    const delay = f.foundAt === null ? null : f.foundAt - f.meeting;
    if (delay === 0) {
      same += 1;
      continue;
    }
    if (delay === null) notFound += 1;
    else {
      later += 1;
      delaySum += delay;
      maxDelay = Math.max(maxDelay ?? 0, delay);
    }
    items.push({
      projectId: f.projectId,
      project: names.get(f.projectId) ?? '',
      foundAt: history.meetings[f.meeting]?.scheduledAt ?? '',
      verdict: f.verdict,
      selfReport: f.selfReport,
      candidate: delay,
    });
  }
  items.sort((x, y) => y.foundAt.localeCompare(x.foundAt) || x.project.localeCompare(y.project));
  return {
    model: WHAT_IF_MODEL,
    minutesPerReview: mpr,
    levels,
    looser,
    tighter,
    load,
    loadTotals: {
      actual: { reviews: sumA, hours: hours(sumA, mpr) },
      candidate: { reviews: sumC, hours: hours(sumC, mpr) },
    },
    reviewChanges: { skipped: candidate.skipped, added: candidate.added },
    latency: {
      found: candidate.findings.length,
      same,
      later,
      notFound,
      averageDelay: later > 0 ? Math.round((delaySum / later) * 10) / 10 : null,
      maxDelay,
      items: items.slice(0, LATENCY_ITEMS),
      omitted: Math.max(0, items.length - LATENCY_ITEMS),
    },
    escalations: {
      actual: actual.escalations,
      candidate: candidate.escalations,
      escalatedNow: { actual: escalatedA, candidate: escalatedC },
    },
  };
}

/** simulate + comparePreview: the preview of `policy` on `history`. */
export function previewHistory(history: ForumHistory, policy: Policy): PolicyPreview {
  return comparePreview(history, simulate(history, policy));
}
