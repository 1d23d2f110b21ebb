import { createPostgresDatabase } from '../db/client';
import { commitSessionCookie, createSession } from '../app/modules/auth/session.server';
const h = createPostgresDatabase('postgres://postgres@127.0.0.1:5432/if_bench');
const u = await h.db.selectFrom('users').select('id').where('email', '=', process.argv[2]).executeTakeFirstOrThrow();
const token = await createSession(h.db, { userId: u.id, userAgent: 'prof', ip: null });
console.log((await commitSessionCookie(token)).split(';')[0]);
await h.db.destroy();
