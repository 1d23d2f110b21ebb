import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';

// A production server that finds the demo accounts (public password) refuses to start, with a clear message.
function startServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const { DATABASE_URL: _d, SEED_DEMO: _s, ALLOW_DEMO_ACCOUNTS: _a, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      env: { ...inherited, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('a production server refuses to start with the demo accounts', { timeout: 240_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-demo-guard-'));
  try {
    // Seeded on purpose (SEED_DEMO=true), in production: it stops before serving anything.
    const refused = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'production', SEED_DEMO: 'true' });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Refusing to start: this database holds the demo accounts \(chair@demo\.test/);
    expect(refused.output).toMatch(/ALLOW_DEMO_ACCOUNTS=true/);
    expect(refused.output).not.toMatch(/is running at/);
    expect(fs.existsSync(path.join(dataDir, 'lock.pid'))).toBe(false); // closed cleanly
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
