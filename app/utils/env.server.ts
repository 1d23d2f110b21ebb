import { z } from 'zod';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
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
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export type Env = z.infer<typeof EnvSchema>;

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
export const guardsAgainstDemoAccounts = (env: Pick<Env, 'DATABASE_URL' | 'NODE_ENV' | 'ALLOW_DEMO_ACCOUNTS'>): boolean =>
  (env.NODE_ENV === 'production' || Boolean(env.DATABASE_URL)) && env.ALLOW_DEMO_ACCOUNTS !== 'true';

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
