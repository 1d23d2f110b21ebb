import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { MyActionItems } from '~/components/action-items';
import { ForumHomeSection } from '~/components/home';
import { MyLevelChanges } from '~/components/my-level-changes';
import { listMyForums, requireUser } from '~/modules/auth/guards.server';
import { loadForumHome } from '~/modules/home/home.server';
import { listOpenActionItemsForUser } from '~/modules/meetings/action-items.server';
import { listMyLatestLevelChanges } from '~/modules/oversight/my-level-changes.server';
import { getDb } from '~/utils/db.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'Home · Inspection Forum' }];

const ROLE_LABEL = {
  chair: 'Chair',
  leader: 'Leader',
  owner: 'Owner',
  observer: 'Observer',
} as const;

/**
 * Each member's home is their work (issue #20, decision 020): per forum, the next meeting with its exceptions and
 * missing statuses for chairs and leaders, and the member's own projects with this cycle's status; then their
 * action items. A member of one forum lands here on signing in, and sees that forum's work first.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const user = await requireUser(request, db);
  const now = new Date();
  const [homes, actionItems, levelChanges] = await Promise.all([
    Promise.all(user.forums.map(({ role, ...forum }) => loadForumHome(db, { forum, role, userId: user.id, now }))),
    listOpenActionItemsForUser(db, { userId: user.id }),
    listMyLatestLevelChanges(db, { userId: user.id }),
  ]);
  return json({
    name: user.name,
    forums: listMyForums(user),
    homes,
    actionItems,
    levelChanges,
  });
}

export default function Home() {
  const { name, forums, homes, actionItems, levelChanges } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Welcome, {name}</h1>
      <MyLevelChanges changes={levelChanges} />
      {homes.map((home) => (
        <ForumHomeSection key={home.forum.slug} home={home} />
      ))}
      <MyActionItems items={actionItems} />
      {forums.length === 0 ? (
        <>
          <h2>My forums</h2>
          <p className="muted">You are not a member of any forum yet. Ask a forum chair to add you.</p>
        </>
      ) : forums.length > 1 ? (
        <>
          <h2>My forums</h2>
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
        </>
      ) : null}
    </>
  );
}
