import fs from 'node:fs';

/**
 * The text of a stylesheet of the client build (`/build/_assets/app-….css`), read once from the built assets beside
 * the server build (`<out>/build/index.js` and `<out>/public/build/`: remix.config.js). The page inlines it, under
 * the request's CSP nonce, so the first paint waits for no second request (issue #20; decision 024). Null where
 * there is no built file (a test rendering from the sources): the page links the stylesheet instead.
 */
const texts = new Map<string, string | null>();

export function stylesheetText(href: string): string | null {
  let text = texts.get(href);
  if (text !== undefined) return text;
  try {
    if (!/^\/build\/[\w./-]+\.css$/.test(href) || href.includes('..')) throw new Error('not a built stylesheet');
    text = fs.readFileSync(new URL(`../public${href}`, import.meta.url), 'utf8');
  } catch {
    text = null;
  }
  texts.set(href, text);
  return text;
}
