import { z } from 'zod';

/** Oversight levels, tightest first: the index order is the trust order. */
export type Level = 'tight' | 'standard' | 'light' | 'trusted';
export const LEVELS: readonly Level[] = Object.freeze(['tight', 'standard', 'light', 'trusted'] as const);

export type Health = 'on_track' | 'at_risk' | 'off_track';
export const HEALTHS: readonly Health[] = Object.freeze(['on_track', 'at_risk', 'off_track'] as const);

export type ReviewClass = 'PASS' | 'FLAG' | 'HONEST_OFF' | 'SOFT_MISS' | 'HARD_MISS';

/**
 * What the engine steps on. Invariant: a skipped meeting is never an engine event (issue #16, docs/decisions/013):
 * there is no event for it, and a skipped meeting never starts or closes, so it records no MISSED, no review and no
 * spill-over; a project's state is the same as if the skipped meeting had never been planned.
 */
export type EngineEvent =
  | { type: 'review'; verdict: Health; selfReport: Health }
  | { type: 'status'; health: Health }
  | { type: 'missed' }
  | { type: 'override'; level: Level; reason: string }
  /** Honesty spill-over: the same owner had a HARD_MISS on another project (named, for the explanation). */
  | { type: 'spillover'; project?: string }
  /** Ownership change / project start: restart at this level (resets streak, window, escalation). */
  | { type: 'restart'; level: Level; reason: string };

export type EventClass = ReviewClass | 'MISSED' | 'STATUS' | 'OVERRIDE' | 'SPILLOVER' | 'RESTART' | 'REJECTED';

/** Machine code of the rule applied by an event (stored beside the explanation). */
export type Rule =
  | 'start'
  | 'loosen'
  | 'hold'
  | 'flag'
  | 'hold_below_limit'
  | 'hold_tight'
  | 'hold_escalated'
  | 'tighten_hard_miss'
  | 'tighten_trusted'
  | 'tighten_window'
  | 'escalate'
  | 'status'
  | 'override'
  | 'override_rejected'
  | 'spillover'
  | 'spillover_streak'
  | 'spillover_none'
  | 'restart';

export type Attention = 'none' | 'at_risk' | 'off_track';

export interface OversightState {
  level: Level;
  previousLevel: Level;
  /** The level differs from the level before this event. */
  changed: boolean;
  /** PASS reviews in a row at the current level. */
  streak: number;
  /** Miss points of the last `policy.windowSize` scored events, oldest first. Never mutated: may be shared. */
  window: readonly number[];
  /** The level's routine interval, in meetings. */
  baseInterval: number;
  /** Effective next-review interval after the attention cap and the pull trigger. */
  interval: number;
  /** Cap from the latest verdict. */
  attention: Attention;
  /** Pulled into the next meeting (interval 1) until the next review. */
  pulled: boolean;
  escalated: boolean;
  /** Miss events while already at Tight, in the current stint at Tight. */
  missesAtTight: number;
  eventClass: EventClass;
  /** Miss points this event added. */
  points: number;
  /** A `Rule` code; typed as string so states read back from storage need no cast. */
  rule: string;
  /** One sentence naming the rule and its numbers. */
  explanation: string;
}

/**
 * A forum's oversight policy. Flat on purpose: forums store only the keys a chair changed, merged over
 * DEFAULT_POLICY, and a settings form maps one field to one key.
 */
export interface Policy {
  /** Routine review interval per level, in meetings (non-decreasing tight..trusted). */
  readonly intervalTight: number;
  readonly intervalStandard: number;
  readonly intervalLight: number;
  readonly intervalTrusted: number;
  /** PASS streak at a level that moves the project up one level. */
  readonly loosenStreakTight: number;
  readonly loosenStreakStandard: number;
  readonly loosenStreakLight: number;
  /** Scored events in the miss window, and the miss points in it that tighten one level. */
  readonly windowSize: number;
  readonly windowLimit: number;
  /** Miss points per class (PASS and FLAG are always 0); hard >= soft >= honest-off. */
  readonly pointsHonestOff: number;
  readonly pointsSoftMiss: number;
  readonly pointsHardMiss: number;
  readonly pointsMissed: number;
  /** A HARD_MISS drops one level and to at most this level. */
  readonly hardMissCeiling: Exclude<Level, 'trusted'>;
  /** Miss events while at Tight that escalate. */
  readonly escalationMisses: number;
  /** Attention caps: latest verdict at risk / off track means a review at least every N meetings. */
  readonly attentionAtRiskInterval: number;
  readonly attentionOffTrackInterval: number;
  /** Interval while pulled (an at-risk/off-track status or a missed status), until reviewed. */
  readonly pulledInterval: number;
  /** Starting levels: an owner's first project; the cap for later projects; the cap after a recent HARD_MISS. */
  readonly firstProjectLevel: Exclude<Level, 'trusted'>;
  readonly newProjectMaxLevel: Exclude<Level, 'trusted'>;
  readonly hardMissStartLevel: Exclude<Level, 'trusted'>;
  /** How many of the owner's latest scored events are checked for a HARD_MISS. */
  readonly hardMissLookback: number;
}

// --- zod schemas for engine input (the replay CLI and anything that accepts events from outside) ---

export const LevelSchema = z.enum(['tight', 'standard', 'light', 'trusted']);
export const HealthSchema = z.enum(['on_track', 'at_risk', 'off_track']);

export const EngineEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('review'), verdict: HealthSchema, selfReport: HealthSchema }),
  z.strictObject({ type: z.literal('status'), health: HealthSchema }),
  z.strictObject({ type: z.literal('missed') }),
  z.strictObject({ type: z.literal('override'), level: LevelSchema, reason: z.string().max(2000) }),
  z.strictObject({ type: z.literal('spillover'), project: z.string().max(500).optional() }),
  z.strictObject({ type: z.literal('restart'), level: LevelSchema, reason: z.string().max(2000) }),
]);

export const ExpectedStateSchema = z.strictObject({
  level: LevelSchema,
  interval: z.number().int().min(1),
  escalated: z.boolean(),
});
export type ExpectedState = z.infer<typeof ExpectedStateSchema>;

/** One project's history in the replay CLI's format (the format of engine-examples.json). */
export const HistorySchema = z.strictObject({
  name: z.string().optional(),
  start: LevelSchema,
  events: z.array(EngineEventSchema),
  expected: z.array(ExpectedStateSchema).optional(),
});
export type History = z.infer<typeof HistorySchema>;
export const HistoryListSchema = z.array(HistorySchema);

// Compile-time guards: the schemas and the hand-written types must describe the same values.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _eventSchemaMatches: Same<z.infer<typeof EngineEventSchema>, EngineEvent> = true;
const _levelSchemaMatches: Same<z.infer<typeof LevelSchema>, Level> = true;
const _healthSchemaMatches: Same<z.infer<typeof HealthSchema>, Health> = true;
void _eventSchemaMatches;
void _levelSchemaMatches;
void _healthSchemaMatches;
