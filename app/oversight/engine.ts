import {
  describeScored,
  healthWords,
  levelLabel,
  misses,
  plural,
  spilloverCause,
  transition,
  weightNote,
} from './explain';
import { DEFAULT_POLICY, intervalFor, loosenStreakFor } from './policy';
import { LEVELS } from './types';
import type { Attention, EngineEvent, Health, Level, OversightState, Policy, ReviewClass, Rule } from './types';

const INDEX: Record<Level, number> = { tight: 0, standard: 1, light: 2, trusted: 3 };
const EMPTY_WINDOW: readonly number[] = Object.freeze([]);

export function levelIndex(level: Level): number {
  return INDEX[level];
}

function up(level: Level): Level {
  return LEVELS[Math.min(3, INDEX[level] + 1)];
}

function down(level: Level): Level {
  return LEVELS[Math.max(0, INDEX[level] - 1)];
}

function tighter(a: Level, b: Level): Level {
  return INDEX[a] <= INDEX[b] ? a : b;
}

/** DESIGN §3 "Scoring a review". The caller supplies on_track when the owner never posted a status. */
export function classifyReview(verdict: Health, selfReport: Health): ReviewClass {
  if (verdict === 'on_track') return 'PASS';
  if (verdict === 'at_risk') return selfReport === 'on_track' ? 'SOFT_MISS' : 'FLAG';
  if (selfReport === 'off_track') return 'HONEST_OFF';
  return selfReport === 'at_risk' ? 'SOFT_MISS' : 'HARD_MISS';
}

function pointsFor(cls: ReviewClass | 'MISSED', p: Policy): number {
  switch (cls) {
    case 'HONEST_OFF':
      return p.pointsHonestOff;
    case 'SOFT_MISS':
      return p.pointsSoftMiss;
    case 'HARD_MISS':
      return p.pointsHardMiss;
    case 'MISSED':
      return p.pointsMissed;
    default:
      return 0;
  }
}

/** A new window: the last `size` scored events' points, this one last. The old array is never mutated. */
function pushWindow(window: readonly number[], points: number, size: number): number[] {
  const from = window.length >= size ? window.length - size + 1 : 0;
  const out = new Array<number>(window.length - from + 1);
  let j = 0;
  for (let i = from; i < window.length; i++) out[j++] = window[i];
  out[j] = points;
  return out;
}

function sum(window: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < window.length; i++) total += window[i];
  return total;
}

/** What an event decides; make() derives the rest of the state (changed, baseInterval, interval) from it. */
type Decided = Omit<OversightState, 'changed' | 'baseInterval' | 'interval' | 'rule'> & { rule: Rule };

// Every state is built here, with one object shape, so the hot path stays monomorphic. Callers pass plain object
// literals with every field named: object spreads ({ ...kept, level }) or closures made per event cost the engine
// 5-20× its speed (npm run bench:engine), so there are none on this path.
function make(d: Decided, p: Policy): OversightState {
  const baseInterval = intervalFor(d.level, p);
  let interval = baseInterval;
  if (d.attention === 'off_track') {
    if (p.attentionOffTrackInterval < interval) interval = p.attentionOffTrackInterval;
  } else if (d.attention === 'at_risk') {
    if (p.attentionAtRiskInterval < interval) interval = p.attentionAtRiskInterval;
  }
  if (d.pulled && p.pulledInterval < interval) interval = p.pulledInterval;
  return {
    level: d.level,
    previousLevel: d.previousLevel,
    changed: d.level !== d.previousLevel,
    streak: d.streak,
    window: d.window,
    baseInterval,
    interval,
    attention: d.attention,
    pulled: d.pulled,
    escalated: d.escalated,
    missesAtTight: d.missesAtTight,
    eventClass: d.eventClass,
    points: d.points,
    rule: d.rule,
    explanation: d.explanation,
  };
}

export function initialState(start: Level, policy: Policy = DEFAULT_POLICY): OversightState {
  return make(
    {
      previousLevel: start,
      level: start,
      streak: 0,
      window: EMPTY_WINDOW,
      attention: 'none',
      pulled: false,
      escalated: false,
      missesAtTight: 0,
      eventClass: 'RESTART',
      points: 0,
      rule: 'start',
      explanation: `Starts at ${levelLabel(start)}`,
    },
    policy,
  );
}

type Carried = Pick<Decided, 'previousLevel' | 'window' | 'attention' | 'pulled' | 'eventClass'>;
type Outcome = Pick<Decided, 'level' | 'streak' | 'escalated' | 'missesAtTight' | 'points' | 'rule' | 'explanation'>;

/** A scored event's state: what the event carries (its class, window, attention) and what the outcome decides. */
function outcome(c: Carried, d: Outcome, p: Policy): OversightState {
  return make(
    {
      previousLevel: c.previousLevel,
      level: d.level,
      streak: d.streak,
      window: c.window,
      attention: c.attention,
      pulled: c.pulled,
      escalated: d.escalated,
      missesAtTight: d.missesAtTight,
      eventClass: c.eventClass,
      points: d.points,
      rule: d.rule,
      explanation: d.explanation,
    },
    p,
  );
}

/** A review or a missed status: the events that are scored and enter the miss window. */
function scored(
  s: OversightState,
  cls: ReviewClass | 'MISSED',
  verdict: Health | undefined,
  selfReport: Health | undefined,
  p: Policy,
): OversightState {
  const from = s.level;
  const points = pointsFor(cls, p);
  const window = pushWindow(s.window, points, p.windowSize);
  // A review sets the attention cap from its verdict and ends any pull; a missed status pulls.
  const attention: Attention = verdict === undefined ? s.attention : verdict === 'on_track' ? 'none' : verdict;
  const pulled = verdict === undefined;
  // Each outcome below names what it decides; these it always carries.
  const carried: Carried = { previousLevel: from, window, attention, pulled, eventClass: cls };

  if (cls === 'PASS') {
    const streak = s.streak + 1;
    if (s.escalated) {
      return outcome(
        carried,
        {
          level: from,
          streak,
          escalated: true,
          missesAtTight: s.missesAtTight,
          points: 0,
          rule: 'hold_escalated',
          explanation: `Stays Tight, escalated: on track (${streak} in a row), but only a leader override with a corrective plan lifts the escalation`,
        },
        p,
      );
    }
    const need = loosenStreakFor(from, p);
    if (need > 0 && streak >= need) {
      const to = up(from);
      return outcome(
        carried,
        {
          level: to,
          streak: 0,
          escalated: false,
          missesAtTight: 0,
          points: 0,
          rule: 'loosen',
          explanation: `${transition(from, to)}: ${streak} on-track reviews in a row (needed ${need})`,
        },
        p,
      );
    }
    const text =
      need > 0
        ? `Stays ${levelLabel(from)}: on track (${streak}/${need} toward ${levelLabel(up(from))})`
        : `Stays Trusted: on track (the loosest level)`;
    return outcome(
      carried,
      {
        level: from,
        streak,
        escalated: s.escalated,
        missesAtTight: s.missesAtTight,
        points: 0,
        rule: 'hold',
        explanation: text,
      },
      p,
    );
  }

  const latest = describeScored(cls, verdict, selfReport);
  if (points === 0) {
    // FLAG (or a class this policy scores at 0): nothing changes, the streak is held.
    const need = loosenStreakFor(from, p);
    const held = s.escalated
      ? 'escalated'
      : need > 0
        ? `streak held at ${s.streak}/${need} toward ${levelLabel(up(from))}`
        : 'streak held';
    const text =
      cls === 'FLAG'
        ? `Stays ${levelLabel(from)}: at risk, flagged by the owner before the review (not counted as a miss; ${held})`
        : `Stays ${levelLabel(from)}: ${latest} (not counted as a miss under this forum's policy; ${held})`;
    return outcome(
      carried,
      {
        level: from,
        streak: s.streak,
        escalated: s.escalated,
        missesAtTight: s.missesAtTight,
        points: 0,
        rule: cls === 'FLAG' ? 'flag' : 'hold',
        explanation: text,
      },
      p,
    );
  }

  // An event with points: the streak resets, and the level may tighten.
  if (from === 'tight') {
    const atTight = s.missesAtTight + 1;
    if (s.escalated) {
      return outcome(
        carried,
        {
          level: from,
          streak: 0,
          escalated: true,
          missesAtTight: atTight,
          points,
          rule: 'hold_escalated',
          explanation: `Stays Tight, escalated: ${misses(atTight)} at Tight; latest: ${latest}; awaiting a leader override with a corrective plan`,
        },
        p,
      );
    }
    if (atTight >= p.escalationMisses) {
      return outcome(
        carried,
        {
          level: from,
          streak: 0,
          escalated: true,
          missesAtTight: atTight,
          points,
          rule: 'escalate',
          explanation: `Escalated at Tight: ${misses(atTight)} at Tight (limit ${p.escalationMisses}); latest: ${latest}; needs a leader override with a corrective plan`,
        },
        p,
      );
    }
    return outcome(
      carried,
      {
        level: from,
        streak: 0,
        escalated: false,
        missesAtTight: atTight,
        points,
        rule: 'hold_tight',
        explanation: `Stays Tight (the tightest level): ${atTight} of ${p.escalationMisses} misses at Tight before escalation; latest: ${latest}`,
      },
      p,
    );
  }
  if (cls === 'HARD_MISS') {
    const to = tighter(down(from), p.hardMissCeiling);
    return outcome(
      carried,
      {
        level: to,
        streak: 0,
        escalated: false,
        missesAtTight: s.missesAtTight,
        points,
        rule: 'tighten_hard_miss',
        explanation: `${transition(from, to)}: found off track after the owner reported on track (a hard miss): one level down, and at most ${levelLabel(p.hardMissCeiling)}`,
      },
      p,
    );
  }
  if (from === 'trusted') {
    return outcome(
      carried,
      {
        level: 'light',
        streak: 0,
        escalated: false,
        missesAtTight: s.missesAtTight,
        points,
        rule: 'tighten_trusted',
        explanation: `Trusted → Light: any miss at Trusted drops a level; latest: ${latest}`,
      },
      p,
    );
  }
  const total = sum(window);
  if (total >= p.windowLimit) {
    const to = down(from);
    return outcome(
      carried,
      {
        level: to,
        streak: 0,
        escalated: false,
        missesAtTight: s.missesAtTight,
        points,
        rule: 'tighten_window',
        explanation: `${transition(from, to)}: ${misses(total)} in the last ${p.windowSize} reviews (limit ${p.windowLimit}${weightNote(window, p)}); latest: ${latest}`,
      },
      p,
    );
  }
  return outcome(
    carried,
    {
      level: from,
      streak: 0,
      escalated: false,
      missesAtTight: s.missesAtTight,
      points,
      rule: 'hold_below_limit',
      explanation: `Stays ${levelLabel(from)}: ${misses(total)} in the last ${p.windowSize} reviews (limit ${p.windowLimit}${weightNote(window, p)}); latest: ${latest}`,
    },
    p,
  );
}

/** An unscored event's state: it keeps the window and attention, and adds no points. */
function unscored(
  s: OversightState,
  d: Pick<
    Decided,
    'level' | 'streak' | 'window' | 'pulled' | 'escalated' | 'missesAtTight' | 'eventClass' | 'rule' | 'explanation'
  >,
  p: Policy,
): OversightState {
  return make(
    {
      previousLevel: s.level,
      level: d.level,
      streak: d.streak,
      window: d.window,
      attention: s.attention,
      pulled: d.pulled,
      escalated: d.escalated,
      missesAtTight: d.missesAtTight,
      eventClass: d.eventClass,
      points: 0,
      rule: d.rule,
      explanation: d.explanation,
    },
    p,
  );
}

/** One event applied to a state. Pure: the input state is never mutated (windows may be shared). */
export function step(state: OversightState, event: EngineEvent, policy: Policy = DEFAULT_POLICY): OversightState {
  const s = state;
  const p = policy;
  const from = s.level;
  switch (event.type) {
    case 'review':
      return scored(s, classifyReview(event.verdict, event.selfReport), event.verdict, event.selfReport, p);
    case 'missed':
      return scored(s, 'MISSED', undefined, undefined, p);
    case 'status': {
      const pulls = event.health !== 'on_track';
      const tail = pulls ? '; pulled into the next meeting' : s.pulled ? '; still pulled into the next meeting' : '';
      return unscored(
        s,
        {
          level: from,
          streak: s.streak,
          window: s.window,
          pulled: s.pulled || pulls,
          escalated: s.escalated,
          missesAtTight: s.missesAtTight,
          eventClass: 'STATUS',
          rule: 'status',
          explanation: `Stays ${levelLabel(from)}: status posted, ${healthWords(event.health)}${tail}`,
        },
        p,
      );
    }
    case 'override': {
      const reason = event.reason.trim();
      if (reason === '') {
        return unscored(
          s,
          {
            level: from,
            streak: s.streak,
            window: s.window,
            pulled: s.pulled,
            escalated: s.escalated,
            missesAtTight: s.missesAtTight,
            eventClass: 'REJECTED',
            rule: 'override_rejected',
            explanation: `Override to ${levelLabel(event.level)} rejected: a reason is required; stays ${levelLabel(from)}`,
          },
          p,
        );
      }
      const to = event.level;
      const head =
        from === to ? `Override keeps ${levelLabel(to)}` : `Override ${levelLabel(from)} → ${levelLabel(to)}`;
      // An override starts over at its level: no streak, no recent misses, no escalation.
      return unscored(
        s,
        {
          level: to,
          streak: 0,
          window: EMPTY_WINDOW,
          pulled: s.pulled,
          escalated: false,
          missesAtTight: 0,
          eventClass: 'OVERRIDE',
          rule: 'override',
          explanation: `${head}: “${reason}”; streak, recent misses and escalation reset`,
        },
        p,
      );
    }
    case 'restart': {
      const to = event.level;
      const reason = event.reason.trim();
      const head =
        from === to ? `Restarted at ${levelLabel(to)}` : `Restarted at ${levelLabel(to)} (was ${levelLabel(from)})`;
      return unscored(
        s,
        {
          level: to,
          streak: 0,
          window: EMPTY_WINDOW,
          pulled: s.pulled,
          escalated: false,
          missesAtTight: 0,
          eventClass: 'RESTART',
          rule: 'restart',
          explanation: `${head}${reason ? `: ${reason}` : ''}; streak, recent misses and escalation reset`,
        },
        p,
      );
    }
    case 'spillover': {
      if (from === 'trusted') {
        return unscored(
          s,
          {
            level: 'light',
            streak: 0,
            window: s.window,
            pulled: s.pulled,
            escalated: s.escalated,
            missesAtTight: s.missesAtTight,
            eventClass: 'SPILLOVER',
            rule: 'spillover',
            explanation: `Trusted → Light: ${spilloverCause(event)}`,
          },
          p,
        );
      }
      if (from === 'light') {
        // Restarting Light's streak keeps monotonicity: a project just dropped from Trusted (streak 0) must not
        // end up behind one that never reached Trusted. See docs/decisions/001-oversight-engine.md.
        return unscored(
          s,
          {
            level: from,
            streak: 0,
            window: s.window,
            pulled: s.pulled,
            escalated: s.escalated,
            missesAtTight: s.missesAtTight,
            eventClass: 'SPILLOVER',
            rule: 'spillover_streak',
            explanation: `Stays Light: ${spilloverCause(event)}; it restarts the streak toward Trusted (was ${s.streak}/${loosenStreakFor('light', p)})`,
          },
          p,
        );
      }
      return unscored(
        s,
        {
          level: from,
          streak: s.streak,
          window: s.window,
          pulled: s.pulled,
          escalated: s.escalated,
          missesAtTight: s.missesAtTight,
          eventClass: 'SPILLOVER',
          rule: 'spillover_none',
          explanation: `Stays ${levelLabel(from)}: ${spilloverCause(event)}, but it affects only Trusted and Light projects`,
        },
        p,
      );
    }
    default: {
      const never: never = event;
      throw new Error(`Unknown oversight event: ${JSON.stringify(never)}`);
    }
  }
}

/** The state after each event: the oversight history of a project is this and nothing else. */
export function replay(events: readonly EngineEvent[], opts: { start: Level; policy?: Policy }): OversightState[] {
  const p = opts.policy ?? DEFAULT_POLICY;
  const states = new Array<OversightState>(events.length);
  let state = initialState(opts.start, p);
  for (let i = 0; i < events.length; i++) {
    state = step(state, events[i], p);
    states[i] = state;
  }
  return states;
}

/** DESIGN §3 "Starting level" for a new project, or a project handed to a new owner. Never Trusted. */
export function startingLevel(input: {
  isFirstProject: boolean;
  ownerCurrentLevels: Level[];
  /** The owner's last scored events, newest last. */
  recentScoredClasses: (ReviewClass | 'MISSED')[];
  policy?: Policy;
}): { level: Level; reason: string } {
  const p = input.policy ?? DEFAULT_POLICY;
  const capped = (level: Level): Level => (level === 'trusted' ? 'light' : level);
  if (input.isFirstProject) {
    const level = capped(p.firstProjectLevel);
    return { level, reason: `The owner's first project starts at ${levelLabel(level)} with a kickoff review` };
  }
  if (input.ownerCurrentLevels.length === 0) {
    const level = capped(p.firstProjectLevel);
    return {
      level,
      reason: `The owner has no current projects, so this one starts at ${levelLabel(level)} like a first project`,
    };
  }
  let best: Level = 'tight';
  for (const l of input.ownerCurrentLevels) if (INDEX[l] > INDEX[best]) best = l;
  const lookback = p.hardMissLookback > 0 ? input.recentScoredClasses.slice(-p.hardMissLookback) : [];
  const hardMisses = lookback.filter((c) => c === 'HARD_MISS').length;
  let level = tighter(best, p.newProjectMaxLevel);
  if (hardMisses > 0) {
    level = capped(tighter(level, p.hardMissStartLevel));
    return {
      level,
      reason: `Starts at ${levelLabel(level)}: the owner had ${plural(hardMisses, 'hard miss', 'hard misses')} in their last ${p.hardMissLookback} scored events (at most ${levelLabel(p.hardMissStartLevel)}; best current level ${levelLabel(best)})`,
    };
  }
  level = capped(level);
  return {
    level,
    reason: `Starts at ${levelLabel(level)}: the owner's best current level is ${levelLabel(best)}, and a new project starts at most ${levelLabel(p.newProjectMaxLevel)}`,
  };
}

/** Progress toward the next level, e.g. "3 of 4 on-track reviews toward Light". */
export function progressToNextLevel(
  state: OversightState,
  policy: Policy = DEFAULT_POLICY,
): { next: Level | null; have: number; need: number; text: string } {
  if (state.escalated) {
    return {
      next: null,
      have: 0,
      need: 0,
      text: 'Escalated: stays Tight until a leader override with a corrective plan',
    };
  }
  const need = loosenStreakFor(state.level, policy);
  if (need === 0) return { next: null, have: 0, need: 0, text: 'Trusted: the loosest level' };
  const next = up(state.level);
  const have = Math.min(state.streak, need);
  return {
    next,
    have,
    need,
    text: `${have} of ${plural(need, 'on-track review', 'on-track reviews')} toward ${levelLabel(next)}`,
  };
}
