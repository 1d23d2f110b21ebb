import { describe, expect, test } from 'vitest';
import { guardsAgainstDemoAccounts, parseEnv as parseProcessEnv, seedsDemo } from './env.server';

const parseEnv = (vars: Record<string, string>) => parseProcessEnv(vars as NodeJS.ProcessEnv);

describe('safe defaults (issue #14)', () => {
  test('the demo seed runs by default only on the embedded database outside production', () => {
    expect(seedsDemo(parseEnv({}))).toBe(true);
    expect(seedsDemo(parseEnv({ NODE_ENV: 'test' }))).toBe(true);
    expect(seedsDemo(parseEnv({ NODE_ENV: 'production' }))).toBe(false);
    expect(seedsDemo(parseEnv({ DATABASE_URL: 'postgres://db/app' }))).toBe(false);
    expect(seedsDemo(parseEnv({ DATABASE_URL: '' }))).toBe(true);
    expect(seedsDemo(parseEnv({ DATABASE_URL: 'postgres://db/app', SEED_DEMO: 'true' }))).toBe(true);
    expect(seedsDemo(parseEnv({ SEED_DEMO: 'false' }))).toBe(false);
  });

  test('a production or PostgreSQL server refuses the demo accounts unless allowed', () => {
    expect(guardsAgainstDemoAccounts(parseEnv({}))).toBe(false);
    expect(guardsAgainstDemoAccounts(parseEnv({ NODE_ENV: 'production' }))).toBe(true);
    expect(guardsAgainstDemoAccounts(parseEnv({ DATABASE_URL: 'postgres://db/app' }))).toBe(true);
    expect(guardsAgainstDemoAccounts(parseEnv({ DATABASE_URL: 'postgres://db/app', ALLOW_DEMO_ACCOUNTS: 'true' }))).toBe(false);
  });

  test('APP_URL must be an http(s) URL; empty means unset', () => {
    expect(parseEnv({ APP_URL: 'https://forum.example.com' }).APP_URL).toBe('https://forum.example.com');
    expect(parseEnv({ APP_URL: '' }).APP_URL).toBeUndefined();
    expect(() => parseEnv({ APP_URL: 'javascript:alert(1)' })).toThrow(/APP_URL/);
    expect(() => parseEnv({ ALLOW_DEMO_ACCOUNTS: 'yes' })).toThrow(/ALLOW_DEMO_ACCOUNTS/);
  });
});
