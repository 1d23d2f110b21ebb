import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createPgliteDatabase, createPostgresDatabase, type DatabaseHandle } from '../../db/client';
import { findVerification } from '../../app/modules/auth/verification.server';
import { verifyPassword } from '../../app/modules/auth/password.server';
import { adminQuery, withDatabase } from '../setup/server-db';
import { serverUrl } from '../setup/test-db';

// `npm run admin -- create`, run as an operator would: a real process on a fresh database (migrated by the command).
function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { APP_URL: _a, PORT: _p, DATABASE_URL: _d, DATA_DIR: _dd, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      env: { ...inherited, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

async function checkCli(env: Record<string, string>, open: () => Promise<DatabaseHandle>, linkBase: string) {
  const created = await runCli(['create', '--email', 'ops@example.com', '--name', 'Ops Lead'], env);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  const link = /(\S+\/set-password\/([A-Za-z0-9_-]{43}))/.exec(created.stdout);
  expect(link?.[1].startsWith(`${linkBase}/set-password/`)).toBe(true);

  const withPassword = await runCli(
    ['create', '--email', 'robot@example.com', '--name', 'Robot', '--password-stdin'],
    env,
    'a scripted passphrase\n',
  );
  expect(withPassword.code).toBe(0);
  expect(withPassword.stdout).not.toContain('/set-password/');

  const twice = await runCli(['create', '--email', 'OPS@example.com', '--name', 'Again'], env);
  expect(twice.code).toBe(1);
  expect(twice.stderr).toMatch(/already an account/);
  const weak = await runCli(
    ['create', '--email', 'weak@example.com', '--name', 'Weak', '--password-stdin'],
    env,
    'password\n',
  );
  expect(weak.code).toBe(2);
  expect(weak.stderr).toMatch(/too common/);
  const usage = await runCli(['create', '--email', 'nope'], env);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/usage: npm run admin/);

  const handle = await open();
  try {
    const users = await handle.db
      .selectFrom('users')
      .select(['email', 'name', 'is_admin', 'password_hash'])
      .orderBy('email')
      .execute();
    expect(users.map((u) => [u.email, u.is_admin, u.password_hash === null])).toEqual([
      ['ops@example.com', true, true],
      ['robot@example.com', true, false],
    ]);
    expect(await verifyPassword('a scripted passphrase', users[1].password_hash!)).toBe(true);
    const verification = await findVerification(handle.db, {
      type: 'password-reset',
      token: link![2],
    });
    expect(verification?.state).toBe('valid');
    const hours = (verification!.expiresAt.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  } finally {
    await handle.close();
  }
}

test('the first admin on the embedded database (DATA_DIR)', { timeout: 180_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-cli-'));
  try {
    await checkCli(
      { DATA_DIR: dataDir, DATABASE_URL: '', PORT: '4321' },
      () => createPgliteDatabase(dataDir),
      'http://localhost:4321',
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// On the PostgreSQL server when the suite runs against one (DATABASE_URL), in a database of its own.
if (serverUrl)
  test('the first admin on a PostgreSQL server (DATABASE_URL)', { timeout: 180_000 }, async () => {
    const name = `${new URL(serverUrl!).pathname.slice(1)}_cli_${crypto.randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl!, `CREATE DATABASE ${name}`);
    const url = withDatabase(serverUrl!, name);
    try {
      await checkCli(
        { DATABASE_URL: url, APP_URL: 'https://forum.example.com/' },
        async () => createPostgresDatabase(url),
        'https://forum.example.com',
      );
    } finally {
      await adminQuery(serverUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
