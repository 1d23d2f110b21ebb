import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useMemo } from 'react';
import { z } from 'zod';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { Pagination } from '~/components/pagination';
import { requireAdmin } from '~/modules/auth/guards.server';
import { listOutbox, OUTBOX_PAGE_SIZE } from '~/modules/mail/outbox.server';
import { getDb } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { formatDateTime } from '~/utils/format';

export const meta: MetaFunction = () => [{ title: 'Outbox · Administration · Inspection Forum' }];

const QuerySchema = z.object({
  state: z.enum(['pending', 'sent', 'failed']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  await requireAdmin(request, db);
  const params = new URL(request.url).searchParams;
  const query = QuerySchema.parse({ state: params.get('state') ?? undefined, page: params.get('page') ?? 1 });
  const { rows, counts } = await listOutbox(db, query);
  const total = query.state ? counts[query.state] : counts.pending + counts.sent + counts.failed;
  return json({
    query,
    rows,
    counts,
    pages: Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE)),
    smtp: Boolean(getEnv().SMTP_URL),
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number];

const STATES = [
  { id: undefined, label: 'All' },
  { id: 'pending', label: 'Waiting' },
  { id: 'sent', label: 'Sent' },
  { id: 'failed', label: 'Given up' },
] as const;

function stateOf(r: Row): string {
  if (r.sentAt) return `Sent ${formatDateTime(r.sentAt)}`;
  if (r.failedAt) return `Given up after ${r.attempts} attempts`;
  if (r.attempts > 0) return `Waiting: attempt ${r.attempts} failed, next ${formatDateTime(r.nextAttemptAt)}`;
  return 'Waiting';
}

/** Every email the app has written, newest first: what was sent, what waits (and why), what was given up. */
export default function AdminOutbox() {
  const { query, rows, counts, pages, smtp } = useLoaderData<typeof loader>();
  const columns = useMemo<DataColumn<Row>[]>(
    () => [
      {
        id: 'created',
        header: 'Written',
        accessorFn: (r) => r.createdAt,
        cell: ({ row }) => formatDateTime(row.original.createdAt),
      },
      { id: 'to', header: 'To', accessorFn: (r) => r.to },
      {
        id: 'subject',
        header: 'Email',
        accessorFn: (r) => r.subject,
        cell: ({ row }) => (
          <details>
            <summary>{row.original.subject}</summary>
            <pre className="saved-text">{row.original.text}</pre>
          </details>
        ),
      },
      { id: 'forum', header: 'Forum', accessorFn: (r) => r.forumName ?? '—' },
      {
        id: 'state',
        header: 'State',
        accessorFn: (r) => r.id,
        cell: ({ row }) => (
          <>
            {stateOf(row.original)}
            {row.original.lastError && !row.original.sentAt ? (
              <div className="muted">Last error: {row.original.lastError}</div>
            ) : null}
          </>
        ),
      },
    ],
    [],
  );
  const href = (changes: { state?: string; page?: number }) => {
    const p = new URLSearchParams();
    const state = 'state' in changes ? changes.state : query.state;
    if (state) p.set('state', state);
    if (changes.page && changes.page > 1) p.set('page', String(changes.page));
    const s = p.toString();
    return s ? `?${s}` : '.';
  };
  return (
    <div className="stack">
      <h1>Outbox</h1>
      <p className="muted">
        {smtp
          ? 'Emails are sent through the configured mail server; failed sends are retried with growing delays.'
          : 'No mail server is configured (SMTP_URL), so emails are not sent: they wait here and are printed to the server log.'}
      </p>
      <nav aria-label="Show" className="page-links">
        {STATES.map((s, i) => (
          <span key={s.label}>
            {i > 0 ? ' · ' : ''}
            <Link to={href({ state: s.id, page: 1 })} aria-current={query.state === s.id ? 'page' : undefined}>
              {s.label} ({s.id ? counts[s.id] : counts.pending + counts.sent + counts.failed})
            </Link>
          </span>
        ))}
      </nav>
      <DataTable
        caption="Emails, newest first"
        columns={columns}
        data={rows}
        getRowId={(r) => String(r.id)}
        empty="No emails."
      />
      <Pagination label="Outbox pages" page={query.page} pages={pages} href={(page) => href({ page })} />
    </div>
  );
}
