/**
 * The browser build's `zod` (package.json "browser" field; decision 020): schemas are built and run on the server
 * only, so the client does not download zod (454 KB). Shared modules may still define schemas at their top level
 * next to the labels and constants the pages use; in the browser each schema is this inert stand-in, and any
 * attempt to validate with one says so. Browser code that must validate uses `zod/mini`.
 */
const parsing = new Set([
  'parse',
  'safeParse',
  'parseAsync',
  'safeParseAsync',
  'spa',
  'decode',
  'encode',
  'safeDecode',
  'safeEncode',
]);

function refuse(): never {
  throw new Error('zod schemas run on the server only: in the browser, validate with zod/mini');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stands in for any schema builder or schema
const inert: any = new Proxy(function schema() {}, {
  get(_target, prop) {
    if (typeof prop === 'string' && parsing.has(prop)) return refuse;
    if (prop === Symbol.toPrimitive) return () => '[server-only zod schema]';
    if (prop === Symbol.iterator) return function* () {};
    if (prop === 'then') return undefined;
    return inert;
  },
  apply: () => inert,
  construct: () => inert,
});

export const z = inert;
export default inert;
