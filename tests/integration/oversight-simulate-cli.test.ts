import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPgliteDatabase, migrateToLatest } from '../../db/client';
import { DEFAULT_POLICY } from '../../app/oversight';
import { recordWorld, sampleWorld } from './what-if-world';

// `npm run oversight -- simulate`, run as an operator would: a real process on an embedded database (DATA_DIR).
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { APP_URL: _a, PORT: _p, DATABASE_URL: _d, DATA_DIR: _dd, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/oversight.ts', ...args], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = '';
let env: Record<string, string> = {};
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-simulate-'));
  const dataDir = path.join(dir, 'data');
  const handle = await createPgliteDatabase(dataDir);
  try {
    await migrateToLatest(handle.db);
    const spec = sampleWorld();
    await recordWorld(handle.db, {
      spec,
      policy: {},
      verdictOf: (p, m) => spec.projects[p].truth[m],
      slug: 'whatif-cli',
    });
  } finally {
    await handle.close();
  }
  env = { DATA_DIR: dataDir, DATABASE_URL: '' };
}, 180_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test(
  'prints the comparison as JSON: the policy in force changes nothing, a looser one fewer reviews',
  { timeout: 180_000 },
  async () => {
    const same = await runCli(['simulate', '--forum', 'whatif-cli', '--policy', file('same.json', '{}')], env);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    const a = JSON.parse(same.stdout);
    expect(a.forum).toBe('whatif-cli');
    expect(a.policy).toEqual(DEFAULT_POLICY);
    expect(a.model).toMatch(/counterfactual/);
    expect(a.levels.reduce((s: number, l: { actual: number }) => s + l.actual, 0)).toBe(4);
    expect(a.looser).toEqual([]);
    expect(a.tighter).toEqual([]);
    expect(a.loadTotals.candidate).toEqual(a.loadTotals.actual);
    expect(a.load).toHaveLength(12);

    const looser = await runCli(
      [
        'simulate',
        '--forum',
        'whatif-cli',
        '--policy',
        file('looser.json', JSON.stringify({ intervalStandard: 4, intervalLight: 8, intervalTrusted: 12 })),
      ],
      env,
    );
    expect(looser.code).toBe(0);
    const b = JSON.parse(looser.stdout);
    expect(b.policy.intervalStandard).toBe(4);
    expect(b.loadTotals.candidate.reviews).toBeLessThan(b.loadTotals.actual.reviews);
    expect(b.reviewChanges.skipped).toBeGreaterThan(0);
  },
);

test('a bad policy file exits with 2 and names each bad field', { timeout: 180_000 }, async () => {
  const notJson = await runCli(
    ['simulate', '--forum', 'whatif-cli', '--policy', file('broken.json', '{ intervalTight: 1')],
    env,
  );
  expect(notJson.code).toBe(2);
  expect(notJson.stdout).toBe('');
  expect(notJson.stderr).toMatch(/not JSON/);

  const ranges = await runCli(
    [
      'simulate',
      '--forum',
      'whatif-cli',
      '--policy',
      file(
        'ranges.json',
        JSON.stringify({ intervalTight: 0, windowSize: 'five', hardMissCeiling: 'trusted', bogus: 1 }),
      ),
    ],
    env,
  );
  expect(ranges.code).toBe(2);
  expect(ranges.stdout).toBe('');
  for (const field of ['intervalTight', 'windowSize', 'hardMissCeiling', 'bogus'])
    expect(ranges.stderr).toMatch(new RegExp(`^${field}: `, 'm'));

  // The schema's orderings: intervals never shrink as trust grows; a hard miss costs at least a soft one.
  const orderings = await runCli(
    [
      'simulate',
      '--forum',
      'whatif-cli',
      '--policy',
      file(
        'order.json',
        JSON.stringify({ intervalStandard: 6, intervalLight: 3, pointsSoftMiss: 3, pointsHardMiss: 2 }),
      ),
    ],
    env,
  );
  expect(orderings.code).toBe(2);
  expect(orderings.stderr).toMatch(/^intervalLight: Must be at least intervalStandard \(6\)$/m);
  expect(orderings.stderr).toMatch(/^pointsSoftMiss: Must be at most pointsHardMiss \(2\)$/m);

  const array = await runCli(['simulate', '--forum', 'whatif-cli', '--policy', file('array.json', '[]')], env);
  expect(array.code).toBe(2);
  expect(array.stderr).toMatch(/must be a JSON object/);

  const unknownForum = await runCli(['simulate', '--forum', 'nope', '--policy', file('ok.json', '{}')], env);
  expect(unknownForum.code).toBe(2);
  expect(unknownForum.stderr).toMatch(/unknown forum: nope/);

  const usage = await runCli(['simulate', '--forum', 'whatif-cli'], env);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/--policy is required/);
});
