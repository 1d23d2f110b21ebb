/** One email's text and HTML, from the same parts: a greeting, paragraphs, one link, and a footer. */
export interface EmailParts {
  /** Names the forum in the subject line and the body (absent for instance-wide mail: a password link). */
  forumName?: string;
  subject: string;
  greeting: string;
  paragraphs: string[];
  link: { href: string; label: string };
  /** Plain lines listed after the paragraphs (e.g. a digest's verdicts). */
  items?: string[];
  /** The one-click link that turns this kind of email off. */
  unsubscribe?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderEmail(parts: EmailParts): { subject: string; text: string; html: string } {
  const subject = parts.forumName ? `[${parts.forumName}] ${parts.subject}` : parts.subject;
  const footer = parts.forumName ? `Sent by Inspection Forum for ${parts.forumName}.` : 'Sent by Inspection Forum.';
  const text = [
    parts.greeting,
    '',
    ...parts.paragraphs.flatMap((p) => [p, '']),
    ...(parts.items?.length ? [...parts.items.map((i) => `- ${i}`), ''] : []),
    `${parts.link.label}: ${parts.link.href}`,
    '',
    '-- ',
    footer,
    ...(parts.unsubscribe ? [`To stop these emails: ${parts.unsubscribe}`] : []),
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(parts.greeting)}</p>`,
    ...parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(parts.items?.length ? [`<ul>${parts.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`] : []),
    `<p><a href="${escapeHtml(parts.link.href)}">${escapeHtml(parts.link.label)}</a></p>`,
    `<hr><p style="color: #555; font-size: smaller">${escapeHtml(footer)}`,
    ...(parts.unsubscribe ? [` <a href="${escapeHtml(parts.unsubscribe)}">Stop these emails</a>`] : []),
    '</p></body></html>',
  ].join('\n');
  return { subject, text, html };
}
