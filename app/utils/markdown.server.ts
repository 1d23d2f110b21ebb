import MarkdownIt from 'markdown-it';

// Owners write markdown; everyone in the forum reads it as HTML. Raw HTML is escaped (html: false), images
// are off (they would load from anywhere) and links keep only http(s) and mailto targets: anything else
// (javascript:, data:, relative paths) stays plain text.
const SAFE_LINK = /^(https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true });
md.disable('image');
md.validateLink = (url) => SAFE_LINK.test(url.trim());
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx].attrSet('rel', 'nofollow noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

/** Safe HTML for user-written markdown ('' for blank text). */
export function renderMarkdown(text: string): string {
  return text.trim() ? md.render(text) : '';
}
