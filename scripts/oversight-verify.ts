import { openDatabase } from '../db/client';
import { parseEnv } from '../app/utils/env.server';
import { findOversightDrift } from '../app/modules/oversight/oversight.server';
import { rewordStoredExplanations } from '../app/modules/oversight/reword.server';

/**
 * Replays every project from its oversight events, each under the policy version it was applied under (issue #15);
 * exit 1 naming any project whose cached state drifted.
 */
export async function runVerify(): Promise<number> {
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const drift = await findOversightDrift(handle.db);
    if (drift.length === 0) {
      console.log('oversight verify: every project matches the replay of its events');
      return 0;
    }
    for (const d of drift) {
      console.error(
        `drift: project ${d.projectId} "${d.name}": cached ${JSON.stringify(d.cached)}, replayed ${JSON.stringify(d.replayed)}` +
          (d.classCounts
            ? `; cached event counts ${JSON.stringify(d.classCounts.cached)}, events ${JSON.stringify(d.classCounts.events)}`
            : '') +
          (d.problem ? `; ${d.problem}` : ''),
      );
    }
    return 1;
  } finally {
    await handle.close();
  }
}

/** Re-words stored explanations in the engine's current words (a replay; levels and rules unchanged). */
export async function runReword(): Promise<number> {
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const result = await rewordStoredExplanations(handle.db);
    console.log(`oversight reword: ${result.events} explanations re-worded in ${result.projects} projects`);
    for (const id of result.skipped)
      console.error(`left as written: project ${id} (its replay differs from the stored levels; run oversight verify)`);
    return result.skipped.length > 0 ? 1 : 0;
  } finally {
    await handle.close();
  }
}
