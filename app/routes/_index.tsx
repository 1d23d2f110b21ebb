import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { MyActionItems } from '~/components/action-items';
import { MyLevelChanges } from '~/components/my-level-changes';
import { StatusesDue } from '~/components/statuses-due';
import { listMyForums, requireUser } from '~/modules/auth/guards.server';
import { listOpenActionItemsForUser } from '~/modules/meetings/action-items.server';
import { listMyLatestLevelChanges } from '~/modules/oversight/my-level-changes.server';
import { listStatusesDue } from '~/modules/status/status.server';
import { getDb } from '~/utils/db.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'My forums · Inspection Forum' }];

const ROLE_LABEL = { chair: 'Chair', leader: 'Leader', owner: 'Owner', observer: 'Observer' } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const user = await requireUser(request, db);
  const forums = listMyForums(user);
  const statusesDue = await listStatusesDue(db, { userId: user.id });
  const actionItems = await listOpenActionItemsForUser(db, { userId: user.id });
  const levelChanges = await listMyLatestLevelChanges(db, { userId: user.id });
  return json({ name: user.name, forums, statusesDue, actionItems, levelChanges });
}

export default function Home() {
  const { name, forums, statusesDue, actionItems, levelChanges } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Welcome, {name}</h1>
      <MyLevelChanges changes={levelChanges} />
      <StatusesDue items={statusesDue} />
      <MyActionItems items={actionItems} />
      <h2>My forums</h2>
      {forums.length === 0 ? (
        <p className="muted">You are not a member of any forum yet. Ask a forum chair to add you.</p>
      ) : (
        <ul className="forum-list">
          {forums.map((f) => (
            <li key={f.slug} className="card">
              <Link to={`/forums/${f.slug}`}>
                <strong>{f.name}</strong>
              </Link>
              <div className="muted">{ROLE_LABEL[f.role]}</div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
