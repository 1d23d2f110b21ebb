import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { HistoryListSchema, HistorySchema, parsePolicy, replay, type History, type Policy } from '../app/oversight';

/**
 * `oversight replay [--policy file.json] [--states] [--check]`: reads histories (the format of
 * engine-examples.json: an array of {name?, start, events, expected?}, or one such object) from stdin and
 * replays each through the engine.
 * Output (stdout, JSON): one array of states per history, each state
 * `{level, interval, escalated, explanation, streak, missPoints, rule, eventClass}`; with --states every field of
 * the engine's state; with --annotate the histories themselves with `expected` recomputed (so
 * engine-examples.json round-trips).
 * Exit codes: 0 ok; 1 --check found a history whose `expected` differs from the replay; 2 bad usage or input
 * (stderr names each bad path, e.g. `[0].events[3].verdict`; stdout stays empty).
 */
export function runReplayCli(argv: string[], stdin: string): { code: number; stdout: string; stderr: string } {
  const usage =
    'usage: oversight replay [--policy <file.json>] [--states | --annotate] [--check] < histories.json\n' +
    '  --policy    policy JSON (complete, or partial over the defaults)\n' +
    '  --states    print every field of every state\n' +
    '  --annotate  print the histories with "expected" recomputed from the replay\n' +
    '  --check   exit 1 when a history has "expected" that differs from the replay\n';
  const fail = (message: string) => ({
    code: 2,
    stdout: '',
    stderr: message.endsWith('\n') ? message : message + '\n',
  });
  const formatPath = (path: readonly PropertyKey[]) =>
    path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
  const formatIssues = (prefix: string, error: z.ZodError) =>
    error.issues
      .map((issue) => {
        const path = formatPath(issue.path);
        const at = prefix && path && !path.startsWith('[') ? `${prefix}.${path}` : prefix + path;
        return `${at || '(root)'}: ${issue.message}`;
      })
      .join('\n');

  let policyFile: string | undefined;
  let full = false;
  let annotate = false;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { code: 0, stdout: usage, stderr: '' };
    if (arg === '--states') full = true;
    else if (arg === '--annotate') annotate = true;
    else if (arg === '--check') check = true;
    else if (arg === '--policy') {
      policyFile = argv[++i];
      if (!policyFile) return fail(`--policy needs a file\n${usage}`);
    } else if (arg.startsWith('--policy=')) policyFile = arg.slice('--policy='.length);
    else return fail(`unknown option: ${arg}\n${usage}`);
  }

  let policy: Policy | undefined;
  if (policyFile !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(policyFile, 'utf8'));
    } catch (e) {
      return fail(`cannot read policy ${policyFile}: ${(e as Error).message}`);
    }
    const parsed = parsePolicy(raw);
    if (!parsed.success) return fail(`invalid policy ${policyFile}:\n${formatIssues('policy', parsed.error)}`);
    policy = parsed.data;
  }

  let input: unknown;
  try {
    input = JSON.parse(stdin);
  } catch (e) {
    return fail(`invalid JSON on stdin: ${(e as Error).message}`);
  }
  const single = !Array.isArray(input);
  const parsed = single ? HistorySchema.safeParse(input) : HistoryListSchema.safeParse(input);
  if (!parsed.success) return fail(`invalid history:\n${formatIssues('', parsed.error)}`);
  const histories: History[] = single ? [parsed.data as History] : (parsed.data as History[]);

  const mismatches: string[] = [];
  const output = histories.map((h, hi) => {
    const states = replay(h.events, { start: h.start, policy });
    if (check && h.expected) {
      const at = single ? '' : `[${hi}]`;
      if (h.expected.length !== states.length) {
        mismatches.push(`${at}.expected: ${h.expected.length} entries for ${states.length} events`.replace(/^\./, ''));
      }
      h.expected.forEach((e, i) => {
        const s = states[i];
        if (s && (s.level !== e.level || s.interval !== e.interval || s.escalated !== e.escalated)) {
          mismatches.push(
            `${at}.expected[${i}]`.replace(/^\./, '') +
              `: expected ${e.level}/${e.interval}/${e.escalated ? 'escalated' : '-'}, got ${s.level}/${s.interval}/${s.escalated ? 'escalated' : '-'} (${s.explanation})`,
          );
        }
      });
    }
    if (full) return states;
    if (annotate) {
      const head = h.name === undefined ? { start: h.start } : { name: h.name, start: h.start };
      return {
        ...head,
        events: h.events,
        expected: states.map((s) => ({ level: s.level, interval: s.interval, escalated: s.escalated })),
      };
    }
    return states.map((s) => ({
      level: s.level,
      interval: s.interval,
      escalated: s.escalated,
      explanation: s.explanation,
      streak: s.streak,
      missPoints: s.window.reduce((a, b) => a + b, 0),
      rule: s.rule,
      eventClass: s.eventClass,
    }));
  });
  const stdout = JSON.stringify(single ? output[0] : output, null, 1) + '\n';
  if (mismatches.length > 0)
    return { code: 1, stdout, stderr: `replay differs from expected:\n${mismatches.join('\n')}\n` };
  return { code: 0, stdout, stderr: '' };
}
