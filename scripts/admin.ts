import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase } from '../db/client';
import { appUrl, parseEnv } from '../app/utils/env.server';
import { createInstanceAdmin } from '../app/modules/admin/users.server';
import { CreateAdminSchema } from '../app/modules/admin/users';
import { NewPasswordSchema } from '../app/modules/auth/schemas';

// npm run admin -- create --email E --name N [--password-stdin]
// Creates an instance admin (the first one, on an empty database: nobody can sign up). Without --password-stdin it
// prints a link to set the password, valid 24 hours and usable once.
const USAGE = 'usage: npm run admin -- create --email you@example.com --name "Your Name" [--password-stdin]';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One line: the trailing newline of `echo` or a here-string is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.help || positionals[0] !== 'create' || positionals.length !== 1) fail(USAGE, 2);
  const input = CreateAdminSchema.safeParse({ email: values.email ?? '', name: values.name ?? '' });
  if (!input.success)
    fail(`${input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`, 2);
  let password: string | undefined;
  if (values['password-stdin']) {
    const checked = NewPasswordSchema.safeParse(await readStdin());
    if (!checked.success) fail(`The password from standard input: ${checked.error.issues[0].message}`, 2);
    password = checked.data;
  }
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await migrateToLatest(handle.db);
    const result = await createInstanceAdmin(handle.db, { ...input.data, password });
    if (!result.ok) {
      console.error(result.failure.message);
      process.exitCode = 1;
      return;
    }
    const who = `${input.data.name} <${input.data.email}>`;
    if (result.value.token) {
      const base = appUrl(env);
      console.log(`Created the instance admin ${who}.`);
      console.log('Open this link to set the password (valid 24 hours, usable once):');
      console.log(`  ${base}/set-password/${result.value.token}`);
    } else {
      console.log(`Created the instance admin ${who}; sign in at ${appUrl(env)}/login`);
    }
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
