import { expect, test } from 'vitest';
import { renderMarkdown } from './markdown.server';

test('markdown renders, but raw HTML is escaped and only http(s) and mailto links become links', () => {
  expect(renderMarkdown('**bold** and [docs](https://example.test/a?b=1)')).toBe(
    '<p><strong>bold</strong> and <a href="https://example.test/a?b=1" rel="nofollow noopener noreferrer">docs</a></p>\n',
  );
  expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  for (const hostile of [
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](  javascript:alert(1))',
    '<javascript:alert(1)>',
    '[x](data:text/html,hi)',
    '[x](vbscript:msgbox)',
    '[x](/relative)',
    '<img src=x onerror=alert(1)>',
    '![x](https://example.test/p.png)',
  ]) {
    const html = renderMarkdown(hostile);
    expect(html, hostile).not.toMatch(/<(script|img|iframe)|href="(?!https?:|mailto:)/i);
  }
  expect(renderMarkdown('mail <mailto:a@example.test>')).toContain('href="mailto:a@example.test"');
  expect(renderMarkdown('   ')).toBe('');
});
