import { LEVELS, type EngineEvent, type Health, type Level, type Policy, type ReviewClass, type Rule } from './types';

const LEVEL_LABELS: Record<Level, string> = {
  tight: 'Tight',
  standard: 'Standard',
  light: 'Light',
  trusted: 'Trusted',
};
const HEALTH_LABELS: Record<Health, string> = { on_track: 'On track', at_risk: 'At risk', off_track: 'Off track' };
const HEALTH_WORDS: Record<Health, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' };

export function levelLabel(level: Level): string {
  return LEVEL_LABELS[level];
}

/** The levels as the options of a select (SelectField), tightest first. */
export const LEVEL_OPTIONS: readonly { value: Level; label: string }[] = LEVELS.map((value) => ({
  value,
  label: LEVEL_LABELS[value],
}));

export function healthLabel(h: Health): string {
  return HEALTH_LABELS[h];
}

/** Lower-case health for use inside a sentence. */
export function healthWords(h: Health): string {
  return HEALTH_WORDS[h];
}

// Precomputed "latest: ..." phrases: the engine's hot path only concatenates.
const REVIEW_PHRASES: Record<string, string> = {};
for (const v of ['on_track', 'at_risk', 'off_track'] as const) {
  for (const s of ['on_track', 'at_risk', 'off_track'] as const) {
    REVIEW_PHRASES[v + '|' + s] =
      v === 'on_track' ? 'on track' : `${HEALTH_WORDS[v]}, self-reported ${HEALTH_WORDS[s]}`;
  }
}

/** What the latest scored event was, e.g. "off track, self-reported on track" or "status not posted". */
export function describeScored(cls: ReviewClass | 'MISSED', verdict?: Health, selfReport?: Health): string {
  if (cls === 'MISSED' || verdict === undefined || selfReport === undefined) return 'status not posted';
  return REVIEW_PHRASES[verdict + '|' + selfReport];
}

/** Misses as people count them: a hard miss weighs as its policy says (see weightNote). */
export function misses(n: number): string {
  return n === 1 ? '1 miss' : `${n} misses`;
}

/**
 * When the recent misses include a weighted one, how the count was made, in words: "; a hard miss counts as 2".
 * Only the policy's weights above 1 are named.
 */
export function weightNote(window: readonly number[], p: Policy): string {
  if (!window.some((n) => n > 1)) return '';
  const weights: [string, number][] = [
    ['a hard miss', p.pointsHardMiss],
    ['a verdict worse than reported', p.pointsSoftMiss],
    ['an off-track project the owner reported', p.pointsHonestOff],
    ['a status not posted', p.pointsMissed],
  ];
  const named = weights.filter(([, n]) => n > 1).map(([what, n]) => `${what} counts as ${n}`);
  return named.length ? `; ${named.join(', ')}` : '';
}

/** Why a spill-over happened: the owner's project and the verdict that caused it, when the event names them. */
export function spilloverCause(event: Extract<EngineEvent, { type: 'spillover' }>): string {
  const where = event.project ? `on ${event.project}` : 'on another project';
  return `spill-over from the owner's hard miss ${where} (judged off track after the owner reported on track)`;
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/** "Light → Standard" when the level changed, "Stays Standard" when it did not. */
export function transition(from: Level, to: Level): string {
  return from === to ? 'Stays ' + LEVEL_LABELS[to] : LEVEL_LABELS[from] + ' → ' + LEVEL_LABELS[to];
}

/** Each engine rule in plain words, for the oversight history (the codes stay in storage and the engine). */
export const RULE_NAMES: Record<Rule, string> = {
  start: 'Starting level',
  loosen: 'Loosened after on-track reviews',
  hold: 'Level kept',
  flag: 'Trouble flagged early',
  hold_below_limit: 'A miss, below the limit',
  hold_tight: 'A miss at the tightest level',
  hold_escalated: 'Escalated: stays Tight',
  tighten_hard_miss: 'Tightened: off track without warning',
  tighten_trusted: 'Tightened: a miss at Trusted',
  tighten_window: 'Tightened: too many recent misses',
  escalate: 'Escalated to the leaders',
  status: 'Status posted',
  override: 'Changed by a leader',
  override_rejected: 'Leader’s change refused',
  spillover: 'Tightened: a surprise on the owner’s other project',
  spillover_streak: 'Streak reset: a surprise on the owner’s other project',
  spillover_none: 'No effect from the owner’s other project',
  restart: 'Restarted',
};

/** A stored rule code in plain words (an unknown code reads as a plain "Engine decision"). */
export function ruleName(rule: string): string {
  return (RULE_NAMES as Record<string, string>)[rule] ?? 'Engine decision';
}
