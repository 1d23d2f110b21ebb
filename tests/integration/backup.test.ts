import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, createPostgresDatabase, migrateToLatest, type DatabaseHandle } from '../../db/client';
import type { Database } from '../../db/database';
import { seedDemoIfEmpty } from '../../db/seed';
import {
  BackupRefusedError,
  backupDatabase,
  backupDue,
  copyEmbeddedDumpToPostgres,
  countRows,
  dumpEmbedded,
  dumpFormat,
  listBackups,
  restoreDatabase,
  writeRotatingBackup,
} from '../../db/backup';
import { findOversightDrift } from '../../app/modules/oversight/oversight.server';
import { adminQuery, withDatabase } from '../setup/server-db';
import { serverUrl } from '../setup/test-db';

// Issue #18: backups and restores on both databases keep every row and every project's oversight state, and the
// restored database passes `oversight verify`.

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'if-backup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function oversightStates(db: Kysely<Database>) {
  return db
    .selectFrom('projects')
    .select([
      'id',
      'oversight_level',
      'oversight_interval',
      'oversight_escalated',
      'oversight_state',
      'oversight_event_count',
      'oversight_class_counts',
    ])
    .orderBy('id')
    .execute();
}

/** What a restore must preserve: row counts of every table and every project's oversight state. */
async function snapshot(db: Kysely<Database>) {
  return { counts: await countRows(db), states: await oversightStates(db) };
}

async function expectSameAs(expected: Awaited<ReturnType<typeof snapshot>>, handle: DatabaseHandle) {
  expect(await snapshot(handle.db)).toEqual(expected);
  expect(await findOversightDrift(handle.db)).toEqual([]);
}

/** The demo data in an embedded data folder (closed meetings, reviews and oversight events at every level). */
let source: string;
let expected: Awaited<ReturnType<typeof snapshot>>;
beforeAll(async () => {
  source = path.join(tmp, 'source');
  // Seeded in memory (faster), then laid into the folder.
  const memory = await createPgliteDatabase();
  try {
    await migrateToLatest(memory.db);
    await seedDemoIfEmpty(memory.db);
    expected = await snapshot(memory.db);
    const folder = await createPgliteDatabase(source, {
      loadDataDir: new Blob([new Uint8Array(await dumpEmbedded(memory))]),
    });
    await folder.close();
  } finally {
    await memory.close();
  }
  expect(expected.counts.oversight_events).toBeGreaterThan(10);
  expect(new Set(expected.states.map((s) => s.oversight_level)).size).toBeGreaterThan(2);
}, 240_000);

async function openEmbedded(dataDir: string) {
  const handle = await createPgliteDatabase(dataDir);
  return handle;
}

// Once, in the run on PGlite (the run on the PostgreSQL server has its own below).
if (!serverUrl)
  describe('the embedded database', () => {
    it('backs up a folder no server has open, and restores it elsewhere with every row and oversight state', async () => {
      const file = path.join(tmp, 'direct.tar.gz');
      expect(await backupDatabase({ dataDir: source }, file)).toMatch(/Backed up the embedded database/);
      expect(dumpFormat(fs.readFileSync(file))).toBe('embedded');
      expect(fs.existsSync(path.join(source, 'lock.pid'))).toBe(false);

      const target = path.join(tmp, 'restored');
      await restoreDatabase({ dataDir: target }, file);
      const restored = await openEmbedded(target);
      try {
        await expectSameAs(expected, restored);
      } finally {
        await restored.close();
      }
    });

    it('refuses to restore over data without --force; with --force replaces it and keeps the old folder', async () => {
      const file = path.join(tmp, 'direct.tar.gz');
      const target = path.join(tmp, 'restored');
      // Make the target differ, so that a restore is visible.
      const handle = await openEmbedded(target);
      await handle.db.deleteFrom('audit_log').execute();
      await handle.close();
      await expect(restoreDatabase({ dataDir: target }, file)).rejects.toThrow(/has data.*--force/);
      await expect(restoreDatabase({ dataDir: target }, file)).rejects.toBeInstanceOf(BackupRefusedError);

      const message = await restoreDatabase({ dataDir: target }, file, {
        force: true,
      });
      expect(message).toMatch(/the data it replaced is in .*pg\.before-restore-/);
      const kept = fs.readdirSync(target).filter((n) => n.startsWith('pg.before-restore-'));
      expect(kept).toHaveLength(1);
      const restored = await openEmbedded(target);
      try {
        await expectSameAs(expected, restored);
      } finally {
        await restored.close();
      }
    });

    describe('while a server has the folder open', () => {
      let server: ChildProcess;
      beforeAll(async () => {
        server = spawn(process.execPath, ['--import', 'tsx', 'tests/setup/hold-data-dir.ts', source], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise<void>((resolve, reject) => {
          let out = '';
          server.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('ready')) resolve();
          });
          server.once('exit', (code) => reject(new Error(`the holder exited (${code}): ${out}`)));
        });
      });
      afterAll(async () => {
        if (server.exitCode === null) {
          const exited = new Promise((resolve) => server.once('exit', resolve));
          server.kill('SIGTERM');
          await exited;
        }
      });

      it('db:backup asks the server to write the dump, and the dump restores with every row', async () => {
        const file = path.join(tmp, 'live.tar.gz');
        const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', 'backup', file], {
          cwd: root,
          env: { ...process.env, DATA_DIR: source, DATABASE_URL: '' },
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(cli.stderr).toBe('');
        expect(cli.stdout).toMatch(/written by the running server/);
        expect(cli.status).toBe(0);
        // The server still holds the folder, and no request or temporary file is left behind.
        expect(Number(fs.readFileSync(path.join(source, 'lock.pid'), 'utf8'))).toBe(server.pid);
        expect(fs.readdirSync(path.join(source, 'backup-requests'))).toEqual(['server.pid']);
        expect(fs.readdirSync(tmp).filter((n) => n.includes('.tmp-'))).toEqual([]);

        const target = path.join(tmp, 'from-live');
        await restoreDatabase({ dataDir: target }, file);
        const restored = await openEmbedded(target);
        try {
          await expectSameAs(expected, restored);
        } finally {
          await restored.close();
        }
      });

      it('refuses to restore into the folder, saying the server must be stopped', async () => {
        const file = path.join(tmp, 'direct.tar.gz');
        await expect(restoreDatabase({ dataDir: source }, file, { force: true })).rejects.toThrow(
          new RegExp(`server \\(pid ${server.pid}\\) is running .*stop it`),
        );
      });
    });

    it('keeps the newest BACKUP_KEEP daily backups, and is due again a day after the last', async () => {
      const dir = path.join(tmp, 'daily');
      const handle = await openEmbedded(source);
      try {
        const day = 24 * 3600 * 1000;
        const start = Date.UTC(2026, 11, 1, 3, 0, 0);
        expect(backupDue(dir, start)).toBe(true);
        for (let i = 0; i < 4; i++) await writeRotatingBackup(handle, dir, 3, new Date(start + i * day));
        const kept = listBackups(dir).map((f) => path.basename(f));
        expect(kept).toEqual([
          'inspection-forum-20261204T030000Z.tar.gz',
          'inspection-forum-20261203T030000Z.tar.gz',
          'inspection-forum-20261202T030000Z.tar.gz',
        ]);
        expect(backupDue(dir)).toBe(false);
        expect(backupDue(dir, Date.now() + day + 1000)).toBe(true);
        expect(dumpFormat(fs.readFileSync(path.join(dir, kept[0])))).toBe('embedded');
      } finally {
        await handle.close();
      }
    });
  });

// On the PostgreSQL server of DATABASE_URL (the CI's second run): databases this file creates and drops.
if (serverUrl)
  describe('the PostgreSQL server', () => {
    const url = serverUrl!;
    const created: string[] = [];
    async function createDatabase(): Promise<string> {
      const name = `if_backup_${crypto.randomBytes(5).toString('hex')}`;
      await adminQuery(url, `CREATE DATABASE ${name}`);
      created.push(name);
      return withDatabase(url, name);
    }
    afterAll(async () => {
      for (const name of created) await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    async function snapshotOf(databaseUrl: string) {
      const handle = createPostgresDatabase(databaseUrl, { max: 2 });
      try {
        expect(await findOversightDrift(handle.db)).toEqual([]);
        return await snapshot(handle.db);
      } finally {
        await handle.close();
      }
    }

    let moved: string;
    it('moves the embedded database to the server: an embedded backup restored there keeps every row and oversight state', async () => {
      const file = path.join(tmp, 'move.tar.gz');
      await backupDatabase({ dataDir: source }, file);
      moved = await createDatabase();
      expect(await restoreDatabase({ databaseUrl: moved, dataDir: path.join(tmp, 'unused') }, file)).toMatch(
        /Copied the embedded database dump/,
      );
      expect(await snapshotOf(moved)).toEqual(expected);

      // The sequences carry on after the copied rows: new rows get new ids.
      const handle = createPostgresDatabase(moved, { max: 1 });
      try {
        const maxId = Math.max(...expected.states.map((s) => s.id));
        const forum = await handle.db.selectFrom('forums').select('id').executeTakeFirstOrThrow();
        const owner = await handle.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
        const row = await handle.db
          .insertInto('projects')
          .values({
            forum_id: forum.id,
            owner_id: owner.id,
            name: 'After the move',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        expect(row.id).toBeGreaterThan(maxId);
        await handle.db.deleteFrom('projects').where('id', '=', row.id).execute();
      } finally {
        await handle.close();
      }
      await expect(copyEmbeddedDumpToPostgres(fs.readFileSync(file), moved)).rejects.toThrow(/has data.*--force/);
    });

    it('backs up with pg_dump and restores with pg_restore: every row and oversight state; over data only with --force', async () => {
      const file = path.join(tmp, 'server.pgdump');
      expect(await backupDatabase({ databaseUrl: moved, dataDir: tmp }, file)).toMatch(/pg_dump custom format/);
      expect(dumpFormat(fs.readFileSync(file))).toBe('postgres');
      const before = await snapshotOf(moved);

      const target = await createDatabase();
      await restoreDatabase({ databaseUrl: target, dataDir: tmp }, file);
      expect(await snapshotOf(target)).toEqual(before);

      await expect(restoreDatabase({ databaseUrl: target, dataDir: tmp }, file)).rejects.toThrow(/has data.*--force/);
      const handle = createPostgresDatabase(target, { max: 1 });
      await handle.db.deleteFrom('audit_log').execute();
      await handle.close();
      await restoreDatabase({ databaseUrl: target, dataDir: tmp }, file, {
        force: true,
      });
      expect(await snapshotOf(target)).toEqual(before);
    });

    it('refuses a PostgreSQL dump for the embedded database, naming DATABASE_URL', async () => {
      await expect(
        restoreDatabase({ dataDir: path.join(tmp, 'nope') }, path.join(tmp, 'server.pgdump')),
      ).rejects.toThrow(/set DATABASE_URL/);
    });
  });
