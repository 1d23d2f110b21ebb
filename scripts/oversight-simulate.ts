import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client';
import { parseEnv } from '../app/utils/env.server';
import { PolicySchema, type Policy } from '../app/oversight';
import { resolvePolicy } from '../app/modules/oversight/oversight.server';
import { previewPolicy } from '../app/modules/policy/what-if.server';

const USAGE =
  'usage: oversight simulate --forum <slug> --policy <file.json>\n' +
  "  Replays the forum's recorded history under the policy in the file and prints the what-if comparison as JSON\n" +
  '  (docs/decisions/016-what-if-preview.md). The file holds a policy object: the keys it names replace the\n' +
  "  forum's policy in force, the others are kept. Exit codes: 0 ok; 2 bad usage, unknown forum or bad policy file\n" +
  '  (stderr names each bad field).\n';

type Result = { code: number; stdout: string; stderr: string };
const fail = (message: string): Result => ({
  code: 2,
  stdout: '',
  stderr: message.endsWith('\n') ? message : `${message}\n`,
});

/**
 * A candidate policy from a file's text, over `base` (the forum's policy in force): JSON, an object, and the
 * merged policy valid under PolicySchema (ranges and orderings). Errors name each bad field.
 */
export function parseCandidatePolicy(text: string, base: Policy): { policy: Policy } | { errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { errors: [`not JSON: ${(e as Error).message}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { errors: ['(policy): must be a JSON object of policy fields'] };
  const parsed = PolicySchema.safeParse({ ...base, ...raw });
  if (parsed.success) return { policy: parsed.data };
  return {
    errors: parsed.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys')
        return `${i.keys.join(', ')}: unknown policy field${i.keys.length === 1 ? '' : 's'}`;
      return `${i.path.map(String).join('.') || '(policy)'}: ${i.message}`;
    }),
  };
}

/** `oversight simulate --forum SLUG --policy FILE.json`: the what-if comparison as JSON on stdout. */
export async function runSimulate(argv: string[]): Promise<Result> {
  let values: { forum?: string; policy?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { forum: { type: 'string' }, policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) return { code: 0, stdout: USAGE, stderr: '' };
  if (!values.forum || !values.policy) return fail(`${!values.forum ? '--forum' : '--policy'} is required\n${USAGE}`);
  let text: string;
  try {
    text = readFileSync(values.policy, 'utf8');
  } catch (e) {
    return fail(`cannot read policy ${values.policy}: ${(e as Error).message}`);
  }
  // A file that is not even JSON is refused before the database is opened.
  const early = parseCandidatePolicy(text, resolvePolicy({}));
  if ('errors' in early && early.errors[0]?.startsWith('not JSON'))
    return fail(`invalid policy ${values.policy}: ${early.errors[0]}`);

  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const forum = await handle.db
      .selectFrom('forums')
      .select(['id', 'policy'])
      .where('slug', '=', values.forum)
      .executeTakeFirst();
    if (!forum) return fail(`unknown forum: ${values.forum}`);
    const candidate = parseCandidatePolicy(text, resolvePolicy(forum.policy));
    if ('errors' in candidate) return fail(`invalid policy ${values.policy}:\n${candidate.errors.join('\n')}`);
    const preview = await previewPolicy(handle.db, forum.id, candidate.policy);
    return {
      code: 0,
      stdout: `${JSON.stringify({ forum: values.forum, policy: candidate.policy, ...preview }, null, 1)}\n`,
      stderr: '',
    };
  } finally {
    await handle.close();
  }
}
