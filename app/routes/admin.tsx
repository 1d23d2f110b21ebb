import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { NavLink, Outlet } from '@remix-run/react';
import { requireAdmin } from '~/modules/auth/guards.server';

export const meta: MetaFunction = () => [{ title: 'Administration · Inspection Forum' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return json({});
}

/** The instance admins' area: one page per thing they manage. */
export default function AdminLayout() {
  return (
    <div className="stack">
      <nav aria-label="Administration" className="page-links">
        <NavLink to="/admin/users">Users</NavLink> · <NavLink to="/admin/forums">Forums</NavLink> ·{' '}
        <NavLink to="/admin/outbox">Outbox</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
