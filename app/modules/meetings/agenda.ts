import type { AgendaSection, HealthValue, LevelValue } from '../../../db/database';
import { levelLabel, plural } from '~/oversight/explain';

/** What the agenda needs to know about one active project, as of the meeting being prepared. */
export interface AgendaFacts {
  projectId: number;
  name: string;
  level: LevelValue;
  /** The engine's effective next-review interval (attention cap and pull applied). */
  interval: number;
  /** The level's routine interval. */
  baseInterval: number;
  escalated: boolean;
  attention: 'none' | 'at_risk' | 'off_track';
  /** Pulled by the engine (a flagged or missed status) until the next review. */
  pulled: boolean;
  /** This cycle's status health; null when not posted. */
  statusHealth: HealthValue | null;
  /** Whether this cycle's status deadline has passed: only then is a status that was not posted missing. */
  statusDeadlinePassed: boolean;
  /** The latest verdict before this meeting; null when never reviewed. */
  lastVerdict: HealthValue | null;
  /** Closed meetings since the last review, before this meeting. */
  meetingsSinceReview: number;
  /** Name of the leader who asked for the project at this meeting. */
  requestedBy: string | null;
}

export interface AgendaEntry {
  projectId: number;
  section: AgendaSection;
  reason: string;
  position: number;
  /** Why it is on the agenda, as one plain label (the first rule that matched). */
  kind: ReviewKind;
  /** Meetings until its review counting from this meeting: 0 = at this meeting (exceptions and due). */
  meetingsUntil: number;
}

/**
 * Why a project is reviewed when it is: one of the agenda's exception rules (DESIGN §4, in priority order), a
 * leader's pull from the consent agenda, due by cadence, or not yet due (on the consent agenda).
 */
export type ReviewKind =
  | 'escalated'
  | 'off_track'
  | 'status_missing'
  | 'at_risk'
  | 'kickoff'
  | 'requested'
  | 'pulled'
  | 'cadence'
  | 'scheduled';

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  escalated: 'Escalated',
  off_track: 'Off track',
  status_missing: 'Status missing',
  at_risk: 'At risk',
  kickoff: 'Kickoff review',
  requested: 'Requested by a leader',
  pulled: 'Pulled by a leader',
  cadence: 'Due by cadence',
  scheduled: 'By cadence',
};

/**
 * "In N meetings", the same words on every page (decision 019): N counts the coming meeting as the first, so a
 * review at the coming meeting is "next meeting" and one at the meeting after it is "in 2 meetings".
 */
export function reviewWhen(meetingsUntil: number): string {
  return meetingsUntil <= 0 ? 'next meeting' : `in ${meetingsUntil + 1} meetings`;
}

export const SECTION_TITLES: Record<AgendaSection, string> = {
  exception: 'Exceptions',
  due: 'Due by cadence',
  consent: 'Consent agenda',
};

// DESIGN §4, in priority order: a project's first matching rule places it; every matching rule is its reason.
const EXCEPTION_KINDS: ReviewKind[] = ['escalated', 'off_track', 'status_missing', 'at_risk', 'kickoff', 'requested'];
const EXCEPTION_RULES: ((f: AgendaFacts) => string | null)[] = [
  (f) => (f.escalated ? 'Escalated: awaiting a leader override with a corrective plan' : null),
  (f) =>
    f.statusHealth === 'off_track'
      ? 'Off track (self-reported)'
      : f.lastVerdict === 'off_track'
        ? 'Off track at the last review'
        : null,
  (f) => (f.statusHealth === null && f.statusDeadlinePassed ? 'Status not posted for this meeting' : null),
  (f) => (f.statusHealth === 'at_risk' ? 'At risk (self-reported)' : null),
  (f) => (f.lastVerdict === null ? 'New project: kickoff review' : null),
  (f) => (f.requestedBy ? `Requested by ${f.requestedBy}` : null),
];

/** The kind of a stored exception reason (an agenda frozen at its start keeps its reasons as text). */
export function exceptionKindOf(reason: string): ReviewKind {
  const first = reason.split('; ')[0];
  if (first.startsWith('Escalated')) return 'escalated';
  if (first.startsWith('Off track')) return 'off_track';
  if (first.startsWith('Status not posted')) return 'status_missing';
  if (first.startsWith('At risk')) return 'at_risk';
  if (first.startsWith('New project')) return 'kickoff';
  return 'requested';
}

const meetings = (n: number) => plural(n, 'meeting', 'meetings');

function cadenceWords(f: AgendaFacts): string {
  const every = `every ${f.interval === 1 ? 'meeting' : `${f.interval} meetings`} at ${levelLabel(f.level)}`;
  if (f.interval >= f.baseInterval) return every;
  const why = f.pulled
    ? 'pulled in by a flagged or missed status'
    : `${f.attention.replace('_', ' ')} at the last review`;
  return `${every} (${why})`;
}

/** Meetings until the project is due, counting this one: due now when the closed meetings since its review + 1 reach its interval. */
export function meetingsUntilDue(f: Pick<AgendaFacts, 'interval' | 'meetingsSinceReview'>): number {
  return Math.max(0, f.interval - f.meetingsSinceReview - 1);
}

let collator: Intl.Collator | undefined;
/** The same order as `a.localeCompare(b)` (the default locale and options), from one collator made once. */
function nameOrder(): (a: string, b: string) => number {
  collator ??= new Intl.Collator();
  return collator.compare;
}

/**
 * The engine-built agenda: exceptions, then projects due by cadence (consistent with the dashboard's "next
 * review"), then everyone else on the consent agenda. Pure and deterministic: positions follow the sections.
 */
export function buildAgenda(facts: readonly AgendaFacts[]): AgendaEntry[] {
  const ranked = facts.map((f) => {
    const reasons = EXCEPTION_RULES.map((rule) => rule(f)).filter((r): r is string => r !== null);
    if (reasons.length > 0) {
      const rank = EXCEPTION_RULES.findIndex((rule) => rule(f) !== null);
      return {
        f,
        section: 'exception' as const,
        rank,
        reason: reasons.join('; '),
        kind: EXCEPTION_KINDS[rank],
        until: 0,
      };
    }
    const until = meetingsUntilDue(f);
    if (until === 0) {
      const reason = `${meetings(f.meetingsSinceReview)} since the last review; ${cadenceWords(f)}`;
      return {
        f,
        section: 'due' as const,
        rank: f.interval - f.meetingsSinceReview,
        reason,
        kind: 'cadence' as const,
        until,
      };
    }
    // "In N meetings" as every page says it (reviewWhen), counting this meeting as the first.
    return {
      f,
      section: 'consent' as const,
      rank: 0,
      reason: `Next review ${reviewWhen(until)}, counting this one; ${cadenceWords(f)}`,
      kind: 'scheduled' as const,
      until,
    };
  });
  const order: Record<AgendaSection, number> = { exception: 0, due: 1, consent: 2 };
  const byName = nameOrder();
  ranked.sort(
    (a, b) =>
      order[a.section] - order[b.section] ||
      a.rank - b.rank ||
      byName(a.f.name, b.f.name) ||
      a.f.projectId - b.f.projectId,
  );
  return ranked.map((r, i) => ({
    projectId: r.f.projectId,
    section: r.section,
    reason: r.reason,
    position: i + 1,
    kind: r.kind,
    meetingsUntil: r.until,
  }));
}

/**
 * Where the agenda would place one project, without the wording: the same rules as buildAgenda (any exception
 * rule, else due by cadence, else consent). For callers that place many projects many times (the what-if
 * preview replays years of meetings).
 */
export function agendaSection(f: AgendaFacts): AgendaSection {
  for (const rule of EXCEPTION_RULES) if (rule(f) !== null) return 'exception';
  return meetingsUntilDue(f) === 0 ? 'due' : 'consent';
}

/** Discussed items get a review; consent items are accepted without one unless a leader pulls them. */
export function isDiscussed(item: { section: AgendaSection; pulled: boolean }): boolean {
  return item.section !== 'consent' || item.pulled;
}

/** The first line of a status summary, for the consent agenda's one-line entries. */
export function oneLine(text: string, max = 140): string {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
