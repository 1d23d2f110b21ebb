import { levelLabel, type Level, type Policy } from '~/oversight';

// The policy in force, in sentences generated from its values (issue #15): never hard-coded numbers, so the
// oversight page says what the engine does in this forum, whatever the chair set.

const LOOSER: Record<Exclude<Level, 'trusted'>, Level> = { tight: 'standard', standard: 'light', light: 'trusted' };

const count = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);
const every = (n: number) => (n === 1 ? 'every meeting' : `every ${n} meetings`);
const within = (n: number) => (n === 1 ? 'at the next meeting' : `within ${n} meetings`);

export interface PolicySection {
  title: string;
  sentences: string[];
}

export function policyInWords(p: Policy): PolicySection[] {
  const loosen = (from: Exclude<Level, 'trusted'>, n: number) =>
    `${levelLabel(from)} → ${levelLabel(LOOSER[from])} after ${count(n, 'on-track review', 'on-track reviews')} in a row.`;

  const weights: [string, number][] = [
    ['a hard miss (the owner reported on track, the review found off track)', p.pointsHardMiss],
    ['a verdict one step worse than the owner reported', p.pointsSoftMiss],
    ['an off-track project the owner reported as off track', p.pointsHonestOff],
    ['a status not posted by the deadline', p.pointsMissed],
  ];
  const scored = weights.filter(([, n]) => n > 0).map(([what, n]) => `${what} counts ${count(n, 'point', 'points')}`);
  const free = weights.filter(([, n]) => n === 0).map(([what]) => what);

  const starts = [
    `An owner’s first project starts at ${levelLabel(p.firstProjectLevel)}.`,
    `A later project starts at its owner’s best current level, at most ${levelLabel(p.newProjectMaxLevel)}.`,
    p.hardMissLookback > 0
      ? `If the owner had a hard miss in their last ${count(p.hardMissLookback, 'scored event', 'scored events')}, it starts at ${levelLabel(p.hardMissStartLevel)} at most.`
      : 'A past hard miss does not lower the starting level.',
  ];

  return [
    {
      title: 'Review frequency',
      sentences: [
        `Tight projects are reviewed ${every(p.intervalTight)}, Standard ${every(p.intervalStandard)}, Light ${every(p.intervalLight)} and Trusted ${every(p.intervalTrusted)}.`,
      ],
    },
    {
      title: 'Earning trust',
      sentences: [
        loosen('tight', p.loosenStreakTight),
        loosen('standard', p.loosenStreakStandard),
        loosen('light', p.loosenStreakLight),
        'Only on-track reviews loosen review, one level at a time.',
      ],
    },
    {
      title: 'Misses',
      sentences: [
        `A project drops one level when its last ${count(p.windowSize, 'scored event adds', 'scored events add')} up to ${count(p.windowLimit, 'miss point', 'miss points')} or more.`,
        scored.length ? `In that count, ${scored.join('; ')}.` : 'No miss counts any points.',
        ...(free.length ? [`Not counted as a miss: ${free.join('; ')}.`] : []),
        `A hard miss drops a project one level at once, to ${levelLabel(p.hardMissCeiling)} at most; any miss at Trusted drops it to Light.`,
        `${count(p.escalationMisses, 'miss', 'misses')} while at Tight escalate a project; only a leader override with a corrective plan lifts it.`,
      ],
    },
    {
      title: 'Attention',
      sentences: [
        `After an at-risk verdict a project is reviewed at least ${every(p.attentionAtRiskInterval)}, after an off-track verdict at least ${every(p.attentionOffTrackInterval)}, until a review finds it on track.`,
        `An at-risk or off-track status, or no status by the deadline, brings the project to review ${within(p.pulledInterval)}.`,
      ],
    },
    { title: 'New projects', sentences: starts },
  ];
}
