/**
 * Oversight engine tools.
 *   npx tsx scripts/oversight.ts replay [--policy file.json] [--states] [--check] < histories.json
 *   npx tsx scripts/oversight.ts verify
 *   npx tsx scripts/oversight.ts reword
 *   npx tsx scripts/oversight.ts simulate --forum SLUG --policy FILE.json
 */
import { readFileSync } from 'node:fs';
import { runReplayCli } from './oversight-replay';

const USAGE =
  "usage: oversight <replay|verify|reword|simulate> [options]\n  replay  replay histories from stdin (see --help)\n  verify  check every project's cached state against its event replay\n  reword  re-word stored explanations in the engine's current words (levels unchanged)\n  simulate  preview a candidate policy on a forum's history (--forum SLUG --policy FILE.json)\n";

const [command, ...args] = process.argv.slice(2);
if (command === 'replay') {
  const stdin = args.includes('--help') || args.includes('-h') ? '' : readFileSync(0, 'utf8');
  const result = runReplayCli(args, stdin);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
} else if (command === 'verify') {
  const { runVerify } = await import('./oversight-verify');
  process.exitCode = await runVerify();
} else if (command === 'reword') {
  const { runReword } = await import('./oversight-verify');
  process.exitCode = await runReword();
} else if (command === 'simulate') {
  const { runSimulate } = await import('./oversight-simulate');
  const result = await runSimulate(args);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
} else {
  process.stderr.write(command ? `unknown command: ${command}\n${USAGE}` : USAGE);
  process.exitCode = 2;
}
