import { describe, expect, test } from 'vitest';
import { buildMinutes, mdInline, mdQuote } from './minutes';

describe('minutes', () => {
  test('user text cannot become formatting, links or HTML', () => {
    expect(mdInline('*Launch* [now](javascript:x) <script>|~`x`\\')).toBe(
      '\\*Launch\\* \\[now\\](javascript:x) \\<script\\>\\|\\~\\`x\\`\\\\',
    );
    expect(mdInline(' two\n lines ')).toBe('two lines');
    expect(mdQuote('# Not a heading\n- not a list\n1. not a list\n> not nested', '  ')).toBe(
      '  > \\# Not a heading\n  > \\- not a list\n  > 1\\. not a list\n  > \\> not nested',
    );
  });

  test('a draft says so and lists what was decided so far', () => {
    const md = buildMinutes({
      forumName: 'F',
      timeZone: 'UTC',
      meeting: { scheduledAt: '2026-11-30T10:00:00Z', state: 'in_progress', closedAt: null, closedBy: null },
      attendees: [],
      hasAgenda: true,
      items: [
        {
          project: 'P',
          owner: 'O',
          level: 'light',
          section: 'consent',
          reason: 'r',
          discussed: false,
          pulled: false,
          health: null,
          summary: null,
          verdict: null,
          selfReport: 'on_track',
          reviewedSelfReport: null,
          feedback: null,
          reviewer: null,
          actionItems: [],
        },
      ],
      levelChanges: [],
    });
    expect(md).toContain('- State: In progress (these minutes are a draft until the meeting is closed)');
    expect(md).toContain('- Reviewed: 0 of 0 discussed items; 1 accepted on the consent agenda without review');
    expect(md).toContain('- Attendees (forum members who recorded something in this meeting): none recorded');
    expect(md).toContain('- P (O), no status');
    expect(md).toContain('Level changes are applied when the meeting is closed.');
    expect(md.endsWith('\n')).toBe(true);
  });
});
