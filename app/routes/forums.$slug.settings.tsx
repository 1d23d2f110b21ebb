import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import { getForumPolicyProblems } from '~/modules/forums/forums.server';
import { getDb } from '~/utils/db.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Settings · ${data?.forum.name ?? 'Forum'} · Inspection Forum` },
];

// The forum's settings: the chair edits. Every member reads the oversight policy tab (issue #15); the other tabs
// keep their own guards (leaders read them; owners and observers get 403 from the tab's loader, audit-logged).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum, role } = await requireForumRole(request, params.slug);
  const policyProblems = await getForumPolicyProblems(db, {
    forumId: forum.id,
  });
  return json({
    forum: { slug: forum.slug, name: forum.name },
    canEdit: can({ role }, 'manage-forum'),
    readsAllTabs: can({ role }, 'see-settings'),
    policyProblems,
  });
}

export default function ForumSettings() {
  const { forum, canEdit, readsAllTabs, policyProblems } = useLoaderData<typeof loader>();
  const base = `/forums/${forum.slug}/settings`;
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link>
      </p>
      <h1>Settings</h1>
      {canEdit ? null : <p className="notice">You can read these settings; only the forum’s chair can change them.</p>}
      {policyProblems.length ? (
        <div className="warning" role="alert">
          <p>
            <strong>This forum’s stored oversight policy is invalid, so the engine is using the default policy.</strong>{' '}
            The values that fail validation:
          </p>
          <ul>
            {policyProblems.map((p) => (
              <li key={`${p.field}:${p.message}`}>
                <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <nav aria-label="Settings" className="tabs">
        {readsAllTabs ? (
          <>
            <NavLink to={base} end>
              General &amp; schedule
            </NavLink>
            <NavLink to={`${base}/members`}>Members</NavLink>
          </>
        ) : null}
        <NavLink to={`${base}/policy`}>Oversight policy</NavLink>
      </nav>
      <Outlet />
    </>
  );
}
