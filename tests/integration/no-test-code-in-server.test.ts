import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Issue #19 item 3: the server ships server.ts, db/ (the seed, migrations) and app/; none of it may import test
// code. esbuild walks the real import graph (as scripts/build-server.mjs and the Remix build do) from every
// source file under app/ and db/ and from server.ts, and the test fails if any file under tests/ is reached.
const root = process.cwd();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

describe('no test code in the server', () => {
  it('reaches no file under tests/ from server.ts, app/ or db/', async () => {
    const entryPoints = ['server.ts', ...sourceFiles('app'), ...sourceFiles('db')];
    const result = await build({
      entryPoints,
      absWorkingDir: root,
      outdir: 'out',
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      alias: { '~': './app' },
      loader: { '.css': 'empty' },
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    // The walk must really have covered the server, the seed and the routes, or an empty graph would pass.
    expect(inputs).toEqual(
      expect.arrayContaining(['server.ts', 'db/seed.ts', 'db/factories.ts', 'app/routes/account.tsx']),
    );
    expect(inputs.filter((file) => file.startsWith('tests/'))).toEqual([]);
  });
});
