import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

// OWASP's scrypt baseline. The parameters travel inside the hash so they can be raised later.
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;
const maxmemFor = (n: number, r: number) => 128 * n * r * 2;

/**
 * The demo accounts' cost: their password is printed on every start and in the README, so a slow hash protects
 * nothing, while each sign-in at the full cost takes about a second of a core (the browser tests sign in a hundred
 * times). A production start refuses to run with demo accounts unless ALLOW_DEMO_ACCOUNTS=true says it knowingly
 * (server.ts, listDemoAccounts). Every other account is hashed at the full cost.
 */
export const PUBLIC_PASSWORD_COST = 2 ** 10;

export async function hashPassword(password: string, n: number = N): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r: R, p: P, maxmem: maxmemFor(n, R) });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const actual = await scrypt(password.normalize('NFKC'), salt, expected.length, {
    N: n,
    r,
    p,
    maxmem: maxmemFor(n, r),
  });
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

// Verifying against this when the email is unknown keeps the response time the same either way.
let dummyHash: Promise<string> | undefined;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}
