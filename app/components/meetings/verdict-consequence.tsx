import type { SerializeFrom } from '@remix-run/node';
import type { Consequence } from '~/modules/meetings/consequences.server';

export type ConsequenceData = SerializeFrom<Consequence>;

/** What a verdict choice will do once the meeting closes (the engine's preview; nothing is written until then). */
export function VerdictConsequence({ id, consequence }: { id: string; consequence: ConsequenceData | undefined }) {
  if (!consequence) return null;
  const moves = consequence.from !== consequence.to || consequence.spillover.length > 0;
  return (
    <span id={id} className={`consequence${moves ? ' consequence-moves' : ''}`}>
      {consequence.text}
    </span>
  );
}
