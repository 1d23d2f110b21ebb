import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Links, Meta, Outlet, Scripts, ScrollRestoration, useParams, useRouteLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import type { useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useNonce } from '~/utils/nonce';
import styles from '~/styles/app.css';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { getOptionalUser, listMyForums } from '~/modules/auth/guards.server';
import { getDb } from '~/utils/db.server';
import { pageData } from '~/utils/page-data.server';
import { stylesheetText } from '~/utils/stylesheet.server';

/**
 * The stylesheet is inlined in the page under the request's nonce (decision 024): a phone on a slow link paints
 * without waiting for a second request. The server reads it from the build (stylesheet.server.ts, empty in the
 * browser build); the browser keeps the element it was sent, whose text it reads back to hydrate. Where the server
 * has no built file, the page links the stylesheet as before.
 */
const INLINE_CSS_ID = 'app-css';
function inlineStylesheet(): string | null {
  if (typeof document !== 'undefined') return document.getElementById(INLINE_CSS_ID)?.textContent ?? null;
  return stylesheetText(styles);
}

function Stylesheet({ nonce }: { nonce: string | undefined }) {
  const text = inlineStylesheet();
  if (text === null) return <link rel="stylesheet" href={styles} />;
  return <style id={INLINE_CSS_ID} nonce={nonce} dangerouslySetInnerHTML={{ __html: text }} />;
}
export const meta: MetaFunction = () => [{ title: 'Inspection Forum' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await getOptionalUser(request, db);
  const forums = user ? listMyForums(user) : [];
  return pageData({
    user: user ? { name: user.name, email: user.email, isAdmin: user.isAdmin } : null,
    forums,
  });
}

type RootData = ReturnType<typeof useLoaderData<typeof loader>>;

function Header({ data }: { data: RootData | undefined }) {
  const params = useParams();
  const current = data?.forums.find((f) => f.slug === params.slug);
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link to="/" className="brand">
        <span className="brand-long">Inspection Forum</span>
        {/* On a phone the header is one line: the short name shows, the full one stays the link's name. */}
        <span className="brand-short" aria-hidden="true">
          IF
        </span>
      </Link>
      {data?.user ? (
        <>
          <nav aria-label="Forums" className="forum-switcher">
            <details>
              <summary>{current ? current.name : 'Forums'}</summary>
              <ul>
                {data.forums.map((f) => (
                  <li key={f.slug}>
                    <Link to={`/forums/${f.slug}`} aria-current={f.slug === params.slug ? 'page' : undefined}>
                      {f.name}
                    </Link>
                  </li>
                ))}
                {data.forums.length === 0 ? <li className="muted">No forums yet</li> : null}
              </ul>
            </details>
          </nav>
          <div className="user-menu">
            {data.user.isAdmin ? <Link to="/admin">Admin</Link> : null}
            <Link to="/account" className="user-name" title={`${data.user.email}: my account`}>
              {data.user.name}
            </Link>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </div>
        </>
      ) : null}
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Stylesheet nonce={nonce} />
        <Links />
      </head>
      <body>
        <Header data={data} />
        <main id="main" className="app-main">
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
