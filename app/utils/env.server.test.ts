import { describe, expect, test } from 'vitest';
import { appUrl, guardsAgainstDemoAccounts, parseEnv as parseEnvOf, seedsDemo } from './env.server';

const parseEnv = (vars: Record<string, string>) => parseEnvOf(vars as NodeJS.ProcessEnv);

test('HOST listens on localhost unless told otherwise (issue #18)', () => {
  expect(parseEnv({}).HOST).toBe('127.0.0.1');
  expect(parseEnv({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
});

test('TRUST_PROXY is a hop count or a list of addresses, validated at start', () => {
  expect(parseEnv({}).TRUST_PROXY).toBe(false);
  expect(parseEnv({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
  expect(parseEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
  expect(parseEnv({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16, ::1' }).TRUST_PROXY).toEqual([
    '10.0.0.1',
    '10.1.0.0/16',
    '::1',
  ]);
  for (const bad of ['0', '99', 'yes', '10.0.0.1/33', 'proxy.example', '10.0.0.1,,']) {
    expect(() => parseEnv({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  }
});

test('APP_URL is the base of absolute links: validated, defaulting to the local address', () => {
  expect(appUrl(parseEnv({ PORT: '4100' }))).toBe('http://localhost:4100');
  expect(appUrl(parseEnv({ APP_URL: 'https://forum.example.org/' }))).toBe('https://forum.example.org');
  for (const bad of ['forum.example.org', 'ftp://forum.example.org', 'javascript:alert(1)']) {
    expect(() => parseEnv({ APP_URL: bad }), bad).toThrow(/APP_URL/);
  }
});

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
    expect(
      guardsAgainstDemoAccounts(parseEnv({ DATABASE_URL: 'postgres://db/app', ALLOW_DEMO_ACCOUNTS: 'true' })),
    ).toBe(false);
  });

  test('APP_URL must be an http(s) URL; empty means unset', () => {
    expect(parseEnv({ APP_URL: 'https://forum.example.com' }).APP_URL).toBe('https://forum.example.com');
    expect(parseEnv({ APP_URL: '' }).APP_URL).toBeUndefined();
    expect(() => parseEnv({ APP_URL: 'javascript:alert(1)' })).toThrow(/APP_URL/);
    expect(() => parseEnv({ ALLOW_DEMO_ACCOUNTS: 'yes' })).toThrow(/ALLOW_DEMO_ACCOUNTS/);
  });
});
