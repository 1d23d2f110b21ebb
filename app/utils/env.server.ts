import { isIP } from 'node:net';
import { z } from 'zod';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  // Where people reach the app: the base of every absolute link (calendar feed, emails). Never the Host header.
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  // A reverse proxy in front: a hop count ("1") or a comma-separated list of its addresses or subnets.
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((v, ctx) => parseTrustProxy(v, ctx))
    .default(false),
  // Serves /bench/baseline, the benchmark's reference page (scripts/bench.ts sets it).
  BENCH_BASELINE: z.enum(['true', 'false']).default('false'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // Unset: true only on the embedded database outside production (see seedsDemo).
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  ALLOW_DEMO_ACCOUNTS: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(0).max(1000).default(7),
  // Where email is sent (smtp://user:pass@host:587 or smtps://host:465). Unset: mail stays in the outbox, is printed
  // to the log and is readable by admins at /admin/outbox (decision 014).
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  // The sender of every email; by default no-reply at APP_URL's host.
  MAIL_FROM: z.string().trim().min(3).max(254).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** TRUST_PROXY: unset, empty or "false" trusts nothing; a hop count; or addresses/subnets (`10.0.0.1, 10.1.0.0/16`). */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 10) return hops;
  } else {
    const list = value.split(',').map((a) => a.trim());
    const address = (a: string) => {
      const [ip, bits, extra] = a.split('/');
      const version = isIP(ip);
      if (!version || extra !== undefined) return false;
      return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
    };
    if (list.every(address)) return list;
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be a hop count (1–10) or a comma-separated list of IP addresses or subnets',
  });
  return z.NEVER;
}

/** The base of absolute links: APP_URL, else the local address the server listens on. */
export function appUrl(env: Env = getEnv()): string {
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/** The From of every email. */
export function mailFrom(env: Env = getEnv()): string {
  return env.MAIL_FROM ?? `Inspection Forum <no-reply@${new URL(appUrl(env)).hostname}>`;
}

/** Parses the environment once; a bad value stops the process with a message naming the variable. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The demo seed runs by default only on the embedded database, and never by default in production. */
export function seedsDemo(env: Pick<Env, 'SEED_DEMO' | 'DATABASE_URL' | 'NODE_ENV'>): boolean {
  if (env.SEED_DEMO) return env.SEED_DEMO === 'true';
  return !env.DATABASE_URL && env.NODE_ENV !== 'production';
}

/** A server holding real data: production, or a PostgreSQL server. It refuses the demo accounts unless allowed. */
export const guardsAgainstDemoAccounts = (
  env: Pick<Env, 'DATABASE_URL' | 'NODE_ENV' | 'ALLOW_DEMO_ACCOUNTS'>,
): boolean => (env.NODE_ENV === 'production' || Boolean(env.DATABASE_URL)) && env.ALLOW_DEMO_ACCOUNTS !== 'true';

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
