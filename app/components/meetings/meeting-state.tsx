import type { MeetingState } from '../../../db/database';

const LABEL: Record<MeetingState, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  closed: 'Closed',
  skipped: 'Skipped',
};

export function MeetingStateBadge({ state }: { state: MeetingState }) {
  return <span className={`badge meeting-${state}`}>{LABEL[state]}</span>;
}
