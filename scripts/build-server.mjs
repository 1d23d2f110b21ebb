// Bundles server.ts (and the app modules it imports) into build/server.mjs beside Remix's server build, so
// `npm start` runs plain JavaScript: no TypeScript loader thread in the server process (about 100 MB less
// memory, issue #8). Packages stay external (node_modules). IF_BUILD_DIR as in remix.config.js.
import path from 'node:path';
import { build } from 'esbuild';

const out = process.env.IF_BUILD_DIR ? path.join('.cache/builds', path.basename(process.env.IF_BUILD_DIR)) : '.';
await build({
  entryPoints: ['server.ts'],
  outfile: path.join(out, 'build/server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: { '~': './app' },
  logLevel: 'warning',
});
