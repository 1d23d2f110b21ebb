import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplayCli } from './oversight-replay';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = fileURLToPath(new URL('../../shared/engine-examples.json', import.meta.url));
const examplesText = readFileSync(
  existsSync(shared) ? shared : join(root, 'app/oversight/fixtures/engine-examples.json'),
  'utf8',
);
const examples = JSON.parse(examplesText) as {
  name: string;
  start: string;
  events: Record<string, unknown>[];
  expected: unknown[];
}[];
const tmp = mkdtempSync(join(tmpdir(), 'oversight-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the real CLI entry point, as a user would. */
function cli(args: string[], input: string) {
  const result = spawnSync('npx', ['tsx', 'scripts/oversight.ts', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('oversight replay (spawned)', () => {
  it('round-trips the golden examples: the recomputed expectations equal the file', () => {
    const r = cli(['replay', '--annotate', '--check'], examplesText);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(examples);
  });

  it('writes one array of states per history, each with level, interval, escalation and an explanation', () => {
    const input = examples.map(({ start, events }) => ({ start, events }));
    const r = cli(['replay'], JSON.stringify(input));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      level: string;
      interval: number;
      escalated: boolean;
      explanation: string;
    }[][];
    expect(out).toHaveLength(examples.length);
    out.forEach((states, i) => {
      expect(states.map(({ level, interval, escalated }) => ({ level, interval, escalated }))).toEqual(
        examples[i].expected,
      );
      expect(states.every((s) => s.explanation.length > 0)).toBe(true);
    });
  });

  it('rejects invalid input with exit 2, naming the bad path, and prints nothing on stdout', () => {
    const bad = structuredClone(examples);
    bad[0].events[3] = { type: 'review', verdict: 'fine', selfReport: 'on_track' };
    const r = cli(['replay'], JSON.stringify(bad));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[0].events[3].verdict');
  });

  it('applies --policy file.json', () => {
    const policyFile = join(tmp, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ windowLimit: 3 }));
    const calibration = examples.filter((e) => e.name === 'one-step calibration misses');
    const r = cli(['replay', '--policy', policyFile], JSON.stringify(calibration));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [out] = JSON.parse(r.stdout) as { level: string; interval: number; escalated: boolean }[][];
    expect(out[3].level).toBe('standard'); // the default policy tightens here
    expect(out.map(({ level, interval, escalated }) => ({ level, interval, escalated }))).not.toEqual(
      calibration[0].expected,
    );
  });

  it('exits 2 with usage for an unknown subcommand', () => {
    const r = cli(['frobnicate'], '');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/usage: oversight/);
  });
});

describe('runReplayCli', () => {
  it('prints full states with rules and explanations with --states', () => {
    const r = runReplayCli(['--states'], JSON.stringify(examples[3]));
    expect(r.code).toBe(0);
    const states = JSON.parse(r.stdout) as { rule: string; explanation: string; escalated: boolean }[];
    expect(states).toHaveLength(12);
    expect(states[6]).toMatchObject({ rule: 'escalate', escalated: true });
    expect(states.every((s) => s.explanation.length > 0)).toBe(true);
  });

  it('--check exits 1 and names the event whose expectation differs', () => {
    const tampered = structuredClone(examples);
    tampered[1].expected[5] = { level: 'trusted', interval: 8, escalated: false };
    const r = runReplayCli(['--check'], JSON.stringify(tampered));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[1].expected[5]');
  });

  it.each([
    ['not JSON', '{', /invalid JSON/],
    [
      'an unknown field',
      JSON.stringify([{ start: 'standard', events: [{ type: 'missed', extra: 1 }] }]),
      /\[0\]\.events\[0\]/,
    ],
    [
      'an unknown event type',
      JSON.stringify([{ start: 'standard', events: [{ type: 'vibes' }] }]),
      /\[0\]\.events\[0\]\.type/,
    ],
    ['a bad start level', JSON.stringify([{ start: 'relaxed', events: [] }]), /\[0\]\.start/],
    [
      'a missing reason',
      JSON.stringify({ start: 'standard', events: [{ type: 'override', level: 'tight' }] }),
      /events\[0\]\.reason/,
    ],
  ])('rejects %s with exit 2 and empty stdout', (_name, input, message) => {
    const r = runReplayCli([], input);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('rejects an invalid policy, naming the key', () => {
    const policyFile = join(tmp, 'bad-policy.json');
    writeFileSync(policyFile, JSON.stringify({ intervalLight: 0 }));
    const r = runReplayCli(['--policy', policyFile], examplesText);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('policy.intervalLight');
    expect(runReplayCli(['--policy', join(tmp, 'missing.json')], examplesText).code).toBe(2);
  });

  it('rejects unknown options', () => {
    const r = runReplayCli(['--fast'], examplesText);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option: --fast/);
  });
});
