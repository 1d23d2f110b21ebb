import type { AgendaSection, HealthValue, LevelValue, MeetingState } from '../../../db/database';
import { healthLabel, levelLabel } from '~/oversight';
import { formatDate, formatDateTime } from '~/utils/format';
import { SECTION_TITLES } from './agenda';

// Minutes as Markdown. Everything people typed is escaped, so a project called "*Launch* [now](x)" prints as
// written and never as formatting, links or HTML.

/** Inline text: one line, with Markdown's punctuation and HTML's angle brackets escaped. */
export function mdInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

/** A multi-line text as a block quote; a line that would start a heading, list or quote is escaped too. */
export function mdQuote(text: string, indent = ''): string {
  const lines = text.trim().split(/\r?\n/);
  return lines
    .map((line) => {
      const escaped = mdInline(line)
        .replace(/^(#|[-+]\s)/, '\\$1')
        .replace(/^(\d+)([.)]\s)/, '$1\\$2');
      return `${indent}> ${escaped}`.trimEnd();
    })
    .join('\n');
}

export interface MinutesInput {
  forumName: string;
  timeZone: string;
  meeting: {
    scheduledAt: Date | string;
    state: MeetingState;
    closedAt: Date | string | null;
    closedBy: string | null;
    skipReason?: string | null;
  };
  attendees: string[];
  /** Whether the chair recorded the attendees (else they are the guess from what members recorded in the meeting). */
  attendanceRecorded?: boolean;
  /** The chair's notes, in Markdown, included as written. */
  notes?: string;
  hasAgenda: boolean;
  items: {
    project: string;
    owner: string;
    /** The oversight level at this meeting (for a closed meeting, as it was then). */
    level: LevelValue;
    section: AgendaSection;
    reason: string;
    discussed: boolean;
    pulled: boolean;
    health: HealthValue | null;
    summary: string | null;
    verdict: HealthValue | null;
    selfReport: HealthValue;
    reviewedSelfReport: HealthValue | null;
    feedback: string | null;
    reviewer: string | null;
    actionItems: { text: string; assignee: string | null; dueDate: string | null; doneAt: string | null }[];
  }[];
  levelChanges: { project: string; explanation: string }[];
}

const STATE_WORDS: Record<MeetingState, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  closed: 'Closed',
  skipped: 'Skipped',
};

export function buildMinutes({
  forumName,
  timeZone,
  meeting,
  attendees,
  attendanceRecorded = false,
  notes = '',
  hasAgenda,
  items,
  levelChanges,
}: MinutesInput): string {
  const out: string[] = [];
  const discussed = items.filter((i) => i.discussed);
  const reviewed = discussed.filter((i) => i.verdict);
  const accepted = items.filter((i) => !i.discussed);
  out.push(`# ${mdInline(forumName)}: minutes of the meeting on ${formatDateTime(meeting.scheduledAt, timeZone)}`, '');
  if (meeting.state === 'skipped') {
    // A skipped meeting is not held: its minutes say so and why, and nothing else (docs/decisions/013).
    out.push(
      `- State: Skipped — ${mdInline(meeting.skipReason ?? '')}`,
      '',
      'This meeting was skipped: it was not held, nothing was reviewed and no oversight level changed.',
    );
    if (notes.trim()) out.push('', '## Notes', '', notes.trim());
    return `${out.join('\n')}\n`;
  }
  const state =
    meeting.state === 'closed' && meeting.closedAt
      ? `Closed on ${formatDateTime(meeting.closedAt, timeZone)}${meeting.closedBy ? ` by ${mdInline(meeting.closedBy)}` : ''}`
      : `${STATE_WORDS[meeting.state]} (these minutes are a draft until the meeting is closed)`;
  out.push(`- State: ${state}`);
  out.push(
    `- Reviewed: ${reviewed.length} of ${discussed.length} discussed items; ${accepted.length} accepted on the consent agenda without review`,
  );
  const who = attendanceRecorded ? 'Attendees' : 'Attendees (forum members who recorded something in this meeting)';
  out.push(`- ${who}: ${attendees.length ? attendees.map(mdInline).join(', ') : 'none recorded'}`);
  // The chair's own Markdown, as written: it is the chair's text in the chair's format.
  if (notes.trim()) out.push('', '## Notes', '', notes.trim());

  out.push('', '## Reviews');
  if (discussed.length === 0) out.push('', 'No items were discussed.');
  for (const [n, item] of discussed.entries()) {
    out.push('', `### ${n + 1}. ${mdInline(item.project)} (owner: ${mdInline(item.owner)})`, '');
    if (hasAgenda)
      out.push(
        `- On the agenda: ${item.pulled ? 'pulled from the consent agenda' : SECTION_TITLES[item.section]} (${mdInline(item.reason)})`,
      );
    out.push(`- Oversight level at this meeting: ${levelLabel(item.level)}`);
    if (item.verdict) {
      const self = item.reviewedSelfReport ?? item.selfReport;
      out.push(
        `- Verdict: **${healthLabel(item.verdict)}** (self-report: ${healthLabel(self)})${item.reviewer ? `, by ${mdInline(item.reviewer)}` : ''}`,
      );
    } else {
      out.push('- Verdict: none recorded');
    }
    if (item.feedback?.trim()) out.push('- Feedback:', '', mdQuote(item.feedback, '  '));
    if (item.actionItems.length > 0) {
      out.push('- Action items:');
      for (const a of item.actionItems) {
        const who = a.assignee
          ? ` (${mdInline(a.assignee)}` + (a.dueDate ? `, due ${formatDate(a.dueDate, 'UTC')})` : ')')
          : a.dueDate
            ? ` (due ${formatDate(a.dueDate, 'UTC')})`
            : '';
        out.push(`  - [${a.doneAt ? 'x' : ' '}] ${mdInline(a.text)}${who}`);
      }
    }
  }

  out.push('', '## Consent agenda (accepted without review)', '');
  if (accepted.length === 0) out.push('Nothing was accepted on consent.');
  for (const item of accepted) {
    const summary = item.summary?.trim() ? `: ${mdInline(item.summary.split(/\r?\n/)[0])}` : '';
    out.push(
      `- ${mdInline(item.project)} (${mdInline(item.owner)}), ${item.health ? healthLabel(item.health).toLowerCase() : 'no status'}${summary}`,
    );
  }

  out.push('', '## Level changes', '');
  if (levelChanges.length === 0)
    out.push(
      meeting.state === 'closed'
        ? 'No oversight level changed.'
        : 'Level changes are applied when the meeting is closed.',
    );
  // The engine's explanation of a level change names both levels.
  for (const c of levelChanges) out.push(`- **${mdInline(c.project)}**: ${mdInline(c.explanation)}`);
  return `${out.join('\n')}\n`;
}
