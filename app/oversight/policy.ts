import { z } from 'zod';
import type { Level, Policy } from './types';

/** The numbers of DESIGN §3: a forum's defaults until a chair changes them. */
export const DEFAULT_POLICY: Policy = Object.freeze({
  intervalTight: 1,
  intervalStandard: 2,
  intervalLight: 4,
  intervalTrusted: 8,
  loosenStreakTight: 3,
  loosenStreakStandard: 4,
  loosenStreakLight: 4,
  windowSize: 5,
  windowLimit: 2,
  pointsHonestOff: 1,
  pointsSoftMiss: 1,
  pointsHardMiss: 2,
  pointsMissed: 1,
  hardMissCeiling: 'standard',
  escalationMisses: 5,
  attentionAtRiskInterval: 2,
  attentionOffTrackInterval: 1,
  pulledInterval: 1,
  firstProjectLevel: 'standard',
  newProjectMaxLevel: 'light',
  hardMissStartLevel: 'standard',
  hardMissLookback: 8,
});

type NumberParameter = { [K in keyof Policy]: Policy[K] extends number ? K : never }[keyof Policy];
type LevelParameter = Exclude<keyof Policy, NumberParameter>;

const INTERVAL = { min: 1, max: 52 };
const STREAK = { min: 1, max: 20 };
const POINTS = { min: 0, max: 5 };
/**
 * The range of every number parameter and the choices of every level parameter, as plain data: PolicySchema is
 * built from them, and pages read them in the browser, where zod schemas are inert stand-ins (decision 020).
 */
export const POLICY_RANGES: Readonly<Record<NumberParameter, { min: number; max: number }>> = Object.freeze({
  intervalTight: INTERVAL,
  intervalStandard: INTERVAL,
  intervalLight: INTERVAL,
  intervalTrusted: INTERVAL,
  loosenStreakTight: STREAK,
  loosenStreakStandard: STREAK,
  loosenStreakLight: STREAK,
  windowSize: { min: 1, max: 20 },
  windowLimit: { min: 1, max: 100 },
  pointsHonestOff: POINTS,
  pointsSoftMiss: POINTS,
  pointsHardMiss: POINTS,
  pointsMissed: POINTS,
  escalationMisses: { min: 1, max: 20 },
  attentionAtRiskInterval: INTERVAL,
  attentionOffTrackInterval: INTERVAL,
  pulledInterval: INTERVAL,
  hardMissLookback: { min: 0, max: 50 },
});
const BELOW_TRUSTED = ['tight', 'standard', 'light'] as const;
export const POLICY_LEVEL_CHOICES: Readonly<Record<LevelParameter, readonly Level[]>> = Object.freeze({
  hardMissCeiling: BELOW_TRUSTED,
  firstProjectLevel: BELOW_TRUSTED,
  newProjectMaxLevel: BELOW_TRUSTED,
  hardMissStartLevel: BELOW_TRUSTED,
});

const int = (key: NumberParameter) => z.number().int().min(POLICY_RANGES[key].min).max(POLICY_RANGES[key].max);
const belowTrusted = z.enum(BELOW_TRUSTED);

/**
 * What a chair may set. Strict (unknown keys rejected), every number in a range, and the orderings the
 * invariants depend on: intervals never shrink as trust grows, and a hard miss never costs less than a
 * soft one, nor a soft one less than an honest off-track (otherwise a more honest self-report could hurt).
 */
export const PolicySchema = z
  .strictObject({
    intervalTight: int('intervalTight'),
    intervalStandard: int('intervalStandard'),
    intervalLight: int('intervalLight'),
    intervalTrusted: int('intervalTrusted'),
    loosenStreakTight: int('loosenStreakTight'),
    loosenStreakStandard: int('loosenStreakStandard'),
    loosenStreakLight: int('loosenStreakLight'),
    windowSize: int('windowSize'),
    windowLimit: int('windowLimit'),
    pointsHonestOff: int('pointsHonestOff'),
    pointsSoftMiss: int('pointsSoftMiss'),
    pointsHardMiss: int('pointsHardMiss'),
    pointsMissed: int('pointsMissed'),
    hardMissCeiling: belowTrusted,
    escalationMisses: int('escalationMisses'),
    attentionAtRiskInterval: int('attentionAtRiskInterval'),
    attentionOffTrackInterval: int('attentionOffTrackInterval'),
    pulledInterval: int('pulledInterval'),
    firstProjectLevel: belowTrusted,
    newProjectMaxLevel: belowTrusted,
    hardMissStartLevel: belowTrusted,
    hardMissLookback: int('hardMissLookback'),
  })
  .superRefine((p, ctx) => {
    const order: [keyof Policy, keyof Policy][] = [
      ['intervalTight', 'intervalStandard'],
      ['intervalStandard', 'intervalLight'],
      ['intervalLight', 'intervalTrusted'],
    ];
    for (const [lo, hi] of order) {
      if ((p[lo] as number) > (p[hi] as number)) {
        ctx.addIssue({ code: 'custom', path: [hi], message: `Must be at least ${lo} (${p[lo]})` });
      }
    }
    if (p.attentionOffTrackInterval > p.attentionAtRiskInterval) {
      ctx.addIssue({
        code: 'custom',
        path: ['attentionOffTrackInterval'],
        message: `Must be at most attentionAtRiskInterval (${p.attentionAtRiskInterval})`,
      });
    }
    if (p.pointsSoftMiss > p.pointsHardMiss) {
      ctx.addIssue({
        code: 'custom',
        path: ['pointsSoftMiss'],
        message: `Must be at most pointsHardMiss (${p.pointsHardMiss})`,
      });
    }
    if (p.pointsHonestOff > p.pointsSoftMiss) {
      ctx.addIssue({
        code: 'custom',
        path: ['pointsHonestOff'],
        message: `Must be at most pointsSoftMiss (${p.pointsSoftMiss})`,
      });
    }
  });

// The schema must produce exactly a Policy.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _policySchemaMatches: Same<z.infer<typeof PolicySchema>, Policy> = true;
void _policySchemaMatches;

/** Validates a complete policy or a chair's partial one (merged over the defaults). */
export function parsePolicy(input: unknown): ReturnType<typeof PolicySchema.safeParse> {
  const merged = input && typeof input === 'object' && !Array.isArray(input) ? { ...DEFAULT_POLICY, ...input } : input;
  return PolicySchema.safeParse(merged);
}

export function intervalFor(level: Level, p: Policy): number {
  switch (level) {
    case 'tight':
      return p.intervalTight;
    case 'standard':
      return p.intervalStandard;
    case 'light':
      return p.intervalLight;
    default:
      return p.intervalTrusted;
  }
}

/** PASS streak needed to move up from `level`; 0 at Trusted (nothing above). */
export function loosenStreakFor(level: Level, p: Policy): number {
  switch (level) {
    case 'tight':
      return p.loosenStreakTight;
    case 'standard':
      return p.loosenStreakStandard;
    case 'light':
      return p.loosenStreakLight;
    default:
      return 0;
  }
}
