import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '~': fileURLToPath(new URL('./app', import.meta.url)) } },
  test: {
    include: ['app/**/*.test.ts', 'db/**/*.test.ts', 'tests/integration/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['tests/setup/fail-on-console-error.ts', 'tests/setup/close-db.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on the 2-core CI machine (vitest's default leaves one core idle): much of a file's time is
    // spent waiting on PostgreSQL, scrypt's thread pool or a child process. 7.5 → 5.2 min on PGlite (2026-12-02).
    maxWorkers: 2,
  },
});
