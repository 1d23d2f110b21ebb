import { z } from 'zod';
import { DEFAULT_POLICY, POLICY_LEVEL_CHOICES, POLICY_RANGES, levelLabel, type Level, type Policy } from '~/oversight';

// Shared by the server and the browser (issue #15): what each policy parameter means, its default and range
// (the plain ranges PolicySchema is built from, so the page cannot drift from what the engine accepts), the settings
// form's schema, the difference between two versions and the policy in words.

export type PolicyKey = keyof Policy;
type LevelKey = 'hardMissCeiling' | 'firstProjectLevel' | 'newProjectMaxLevel' | 'hardMissStartLevel';
type NumberKey = Exclude<PolicyKey, LevelKey>;

export interface PolicyParameter {
  key: PolicyKey;
  label: string;
  /** What it does, in plain words. */
  meaning: string;
  /** The unit after the number ("meetings"), if any. */
  unit?: string;
}

export interface PolicyGroup {
  id: string;
  title: string;
  parameters: PolicyParameter[];
}

export const POLICY_GROUPS: PolicyGroup[] = [
  {
    id: 'intervals',
    title: 'How often each level is reviewed',
    parameters: [
      {
        key: 'intervalTight',
        label: 'Tight: review every',
        meaning: 'How often a Tight project is reviewed (1 means every meeting).',
        unit: 'meetings',
      },
      {
        key: 'intervalStandard',
        label: 'Standard: review every',
        meaning: 'How often a Standard project is reviewed.',
        unit: 'meetings',
      },
      {
        key: 'intervalLight',
        label: 'Light: review every',
        meaning: 'How often a Light project is reviewed.',
        unit: 'meetings',
      },
      {
        key: 'intervalTrusted',
        label: 'Trusted: review every',
        meaning: 'How often a Trusted project is reviewed; its owner still posts a status every cycle.',
        unit: 'meetings',
      },
    ],
  },
  {
    id: 'loosening',
    title: 'How trust is earned',
    parameters: [
      {
        key: 'loosenStreakTight',
        label: 'Tight → Standard after',
        meaning: 'On-track reviews in a row at Tight that move a project up to Standard.',
        unit: 'on-track reviews',
      },
      {
        key: 'loosenStreakStandard',
        label: 'Standard → Light after',
        meaning: 'On-track reviews in a row at Standard that move a project up to Light.',
        unit: 'on-track reviews',
      },
      {
        key: 'loosenStreakLight',
        label: 'Light → Trusted after',
        meaning: 'On-track reviews in a row at Light that move a project up to Trusted.',
        unit: 'on-track reviews',
      },
    ],
  },
  {
    id: 'misses',
    title: 'How misses tighten review',
    parameters: [
      {
        key: 'windowSize',
        label: 'Recent events counted',
        meaning:
          'How many of a project’s latest reviews and missed statuses are added up to decide whether it drops a level.',
        unit: 'events',
      },
      {
        key: 'windowLimit',
        label: 'Miss points that drop a level',
        meaning: 'When the miss points of those recent events reach this, the project drops one level.',
        unit: 'points',
      },
      {
        key: 'pointsHonestOff',
        label: 'Points: off track, and the owner said so',
        meaning: 'Miss points when a review finds the project off track and the owner’s status had said so.',
        unit: 'points',
      },
      {
        key: 'pointsSoftMiss',
        label: 'Points: one step worse than reported',
        meaning:
          'Miss points when the verdict is one step worse than the owner’s status (on track → at risk, at risk → off track).',
        unit: 'points',
      },
      {
        key: 'pointsHardMiss',
        label: 'Points: a hard miss',
        meaning: 'Miss points when the owner reported on track and the review found the project off track.',
        unit: 'points',
      },
      {
        key: 'pointsMissed',
        label: 'Points: status not posted',
        meaning: 'Miss points when the owner posts no status by the deadline.',
        unit: 'points',
      },
      {
        key: 'hardMissCeiling',
        label: 'Highest level after a hard miss',
        meaning: 'A hard miss drops a project one level, and to this level at most.',
      },
      {
        key: 'escalationMisses',
        label: 'Misses at Tight that escalate',
        meaning:
          'Misses while already at Tight before the project is escalated; only a leader override with a corrective plan lifts an escalation.',
        unit: 'misses',
      },
    ],
  },
  {
    id: 'attention',
    title: 'Attention between reviews',
    parameters: [
      {
        key: 'attentionAtRiskInterval',
        label: 'After an at-risk verdict, review at least every',
        meaning: 'Until an on-track verdict, an at-risk project is reviewed at least this often.',
        unit: 'meetings',
      },
      {
        key: 'attentionOffTrackInterval',
        label: 'After an off-track verdict, review at least every',
        meaning: 'Until an on-track verdict, an off-track project is reviewed at least this often.',
        unit: 'meetings',
      },
      {
        key: 'pulledInterval',
        label: 'After a worrying or missing status, review within',
        meaning:
          'An at-risk or off-track status, or no status by the deadline, pulls the project in: it is reviewed within this many meetings.',
        unit: 'meetings',
      },
    ],
  },
  {
    id: 'starting',
    title: 'Where new projects start',
    parameters: [
      {
        key: 'firstProjectLevel',
        label: 'An owner’s first project starts at',
        meaning: 'The level of an owner’s first project (or of a project whose owner has no other current project).',
      },
      {
        key: 'newProjectMaxLevel',
        label: 'A later project starts at most at',
        meaning: 'A later project starts at its owner’s best current level, and at most this level.',
      },
      {
        key: 'hardMissStartLevel',
        label: 'After a recent hard miss, start at most at',
        meaning: 'The highest starting level when the owner had a hard miss recently.',
      },
      {
        key: 'hardMissLookback',
        label: 'Recent events checked for a hard miss',
        meaning:
          'How many of the owner’s latest scored events are checked for a hard miss when a project starts (0: never checked).',
        unit: 'events',
      },
    ],
  },
];

export const POLICY_PARAMETERS: PolicyParameter[] = POLICY_GROUPS.flatMap((g) => g.parameters);
const LEVEL_KEYS: readonly PolicyKey[] = [
  'hardMissCeiling',
  'firstProjectLevel',
  'newProjectMaxLevel',
  'hardMissStartLevel',
];
export const isLevelKey = (key: PolicyKey): key is LevelKey => LEVEL_KEYS.includes(key);

/** The range the engine accepts for a number parameter (plain data PolicySchema is built from: read in the browser too). */
export function rangeOf(key: NumberKey): { min: number; max: number } {
  return POLICY_RANGES[key];
}

/** The levels a level parameter may take (plain data PolicySchema is built from). */
export function levelsOf(key: LevelKey): Level[] {
  return [...POLICY_LEVEL_CHOICES[key]];
}

export function parameterLabel(key: PolicyKey): string {
  return POLICY_PARAMETERS.find((p) => p.key === key)?.label ?? key;
}

/** A parameter's value as shown: "4 meetings", "Standard". */
export function formatValue(key: PolicyKey, value: Policy[PolicyKey]): string {
  if (typeof value === 'string') return levelLabel(value as Level);
  const unit = POLICY_PARAMETERS.find((p) => p.key === key)?.unit;
  return unit ? `${value} ${value === 1 ? singular(unit) : unit}` : String(value);
}

function singular(unit: string): string {
  if (unit === 'misses') return 'miss';
  return unit.replace(/s$/, '').replace(/reviews$/, 'review');
}

export interface PolicyChange {
  key: PolicyKey;
  label: string;
  from: string;
  to: string;
}

/** What changed from one version to the next, parameter by parameter, in the form's order. */
export function diffPolicies(previous: Policy | null, next: Policy): PolicyChange[] {
  if (!previous) return [];
  return POLICY_PARAMETERS.filter((p) => previous[p.key] !== next[p.key]).map((p) => ({
    key: p.key,
    label: p.label,
    from: formatValue(p.key, previous[p.key]),
    to: formatValue(p.key, next[p.key]),
  }));
}

// --- The settings form -------------------------------------------------------------------------------------

const numberField = (key: NumberKey) => {
  const { min, max } = rangeOf(key);
  return z
    .string()
    .trim()
    .min(1, 'Enter a number')
    .transform(Number)
    .pipe(
      z
        .number({ message: 'Enter a whole number' })
        .int('Enter a whole number')
        .min(min, `Enter ${min} or more`)
        .max(max, `Enter ${max} or less`),
    );
};

const levelField = (key: LevelKey) => z.enum(levelsOf(key) as [Level, ...Level[]], { message: 'Choose a level' });

const policyFields = Object.fromEntries(
  POLICY_PARAMETERS.map((p) => [p.key, isLevelKey(p.key) ? levelField(p.key) : numberField(p.key)]),
) as {
  [K in PolicyKey]: K extends LevelKey ? ReturnType<typeof levelField> : ReturnType<typeof numberField>;
};

/**
 * The orderings PolicySchema enforces, in plain words, each shown next to the field it names. The engine's own
 * check still runs on save (savePolicyVersion); these say why.
 */
export const POLICY_ORDERINGS: { field: PolicyKey; holds: (p: Policy) => boolean; message: (p: Policy) => string }[] = [
  {
    field: 'intervalStandard',
    holds: (p) => p.intervalTight <= p.intervalStandard,
    message: (p) =>
      `Must be at least the Tight interval (${p.intervalTight}): a looser level is never reviewed more often`,
  },
  {
    field: 'intervalLight',
    holds: (p) => p.intervalStandard <= p.intervalLight,
    message: (p) =>
      `Must be at least the Standard interval (${p.intervalStandard}): a looser level is never reviewed more often`,
  },
  {
    field: 'intervalTrusted',
    holds: (p) => p.intervalLight <= p.intervalTrusted,
    message: (p) =>
      `Must be at least the Light interval (${p.intervalLight}): a looser level is never reviewed more often`,
  },
  {
    field: 'attentionOffTrackInterval',
    holds: (p) => p.attentionOffTrackInterval <= p.attentionAtRiskInterval,
    message: (p) =>
      `Must be at most the at-risk interval (${p.attentionAtRiskInterval}): an off-track project is never reviewed less often than an at-risk one`,
  },
  {
    field: 'pointsSoftMiss',
    holds: (p) => p.pointsSoftMiss <= p.pointsHardMiss,
    message: (p) => `Must be at most the points of a hard miss (${p.pointsHardMiss}): a smaller miss never costs more`,
  },
  {
    field: 'pointsHonestOff',
    holds: (p) => p.pointsHonestOff <= p.pointsSoftMiss,
    message: (p) =>
      `Must be at most the points of a verdict one step worse than reported (${p.pointsSoftMiss}): owning up never costs more than being surprised`,
  },
];

/** The orderings, as issues on the fields they name (only once every number parsed: a field's own message wins). */
function checkOrderings(input: Record<PolicyKey, unknown>, ctx: z.RefinementCtx): void {
  const policy = toPolicy(input);
  if (POLICY_PARAMETERS.some((p) => !isLevelKey(p.key) && typeof policy[p.key] !== 'number')) return;
  for (const o of POLICY_ORDERINGS)
    if (!o.holds(policy)) ctx.addIssue({ code: 'custom', path: [o.field], message: o.message(policy) });
}

const REASON_TOO_LONG = 'Keep the reason under 2000 characters';

/** The chair's save: every parameter, the version the form was opened on, and a reason. */
export const PolicySaveSchema = z
  .strictObject({
    intent: z.literal('save'),
    baseVersion: z.coerce.number({ message: 'Reload the page' }).int('Reload the page').min(1, 'Reload the page'),
    reason: z
      .string()
      .trim()
      .min(1, 'Say why the policy changes (members read it in the version history)')
      .max(2000, REASON_TOO_LONG),
    ...policyFields,
  })
  .superRefine(checkOrderings);

/**
 * The chair's what-if preview of the typed values (issue #15): the same parameters and checks as a save, from the
 * same form, so a reason may already be typed (kept, not required) and the form's version rides along unused.
 */
export const PolicyPreviewSchema = z
  .strictObject({
    intent: z.literal('preview'),
    baseVersion: z.string().max(20).optional(),
    reason: z.string().max(2000, REASON_TOO_LONG).optional(),
    ...policyFields,
  })
  .superRefine(checkOrderings);

/** The settings page's intents: save a new version, or preview the typed values on the forum's history. */
export const PolicyActionSchema = z.discriminatedUnion('intent', [PolicySaveSchema, PolicyPreviewSchema]);
export type PolicyAction = z.infer<typeof PolicyActionSchema>;

/** The policy values of a parsed form (its other fields dropped). */
export function toPolicy(input: Record<PolicyKey, unknown>): Policy {
  return Object.fromEntries(POLICY_PARAMETERS.map((p) => [p.key, input[p.key]])) as unknown as Policy;
}

/** A policy as form values (strings). */
export function policyFormValues(p: Policy): Record<string, string> {
  return Object.fromEntries(POLICY_PARAMETERS.map((x) => [x.key, String(p[x.key])]));
}

export { DEFAULT_POLICY };
