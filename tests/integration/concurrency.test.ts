import { expect, test } from 'vitest';
import { getCycleStatus, saveStatusUpdate } from '../../app/modules/status/status.server';
import { openFreshDatabase } from '../setup/test-db';
import { createOwnersWorld } from './owners-world';

// 50 concurrent editors of one status update, each reading the version it edits, several rounds each.
// Every acknowledged edit must be visible in the final state's history (the version counts them all) and
// the final text is the last acknowledged edit; every other attempt was told it conflicted.
test('50 concurrent edits of one status: no acknowledged edit is lost, the rest get a conflict', async () => {
  const handle = await openFreshDatabase();
  try {
    const w = await createOwnersWorld(handle.db);
    const base = { projectId: w.project.id, meetingId: w.meeting.id, userId: w.users.owner.id };
    const input = (summary: string, version: number) => ({
      health: 'on_track' as const,
      summary,
      risks: '',
      asks: '',
      version,
      goals: [],
    });
    expect((await saveStatusUpdate(handle.db, { ...base, input: input('first', 0) })).ok).toBe(true);

    const acked: { summary: string; resultingVersion: number }[] = [];
    let conflicts = 0;
    const editor = async (i: number) => {
      for (let round = 0; round < 3; round++) {
        const current = await getCycleStatus(handle.db, { projectId: w.project.id, meetingId: w.meeting.id });
        const version = current!.version;
        const summary = `editor ${i} round ${round}`;
        const result = await saveStatusUpdate(handle.db, { ...base, input: input(summary, version) });
        if (result.ok) acked.push({ summary, resultingVersion: version + 1 });
        else if (result.failure.current !== undefined)
          conflicts++; // a conflict: the status saved meanwhile
        else throw new Error(`unexpected ${result.failure.message}`);
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => editor(i)));

    const final = (await getCycleStatus(handle.db, { projectId: w.project.id, meetingId: w.meeting.id }))!;
    expect(acked.length + conflicts).toBe(150);
    expect(acked.length).toBeGreaterThan(0);
    expect(final.version).toBe(1 + acked.length);
    expect(new Set(acked.map((a) => a.resultingVersion)).size).toBe(acked.length);
    expect(final.summary).toBe(acked.find((a) => a.resultingVersion === final.version)!.summary);
  } finally {
    await handle.close();
  }
});
