import type { SerializeFrom } from '@remix-run/node';
import { Form } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { More, countedTitle } from '~/components/more';
import { useMemo } from 'react';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import type { listOpenActionItemsForUser } from '~/modules/meetings/action-items.server';
import { formatDate } from '~/utils/format';

type ActionItem = SerializeFrom<Awaited<ReturnType<typeof listOpenActionItemsForUser>>[number]>;

/**
 * The table's columns; `returnTo` is the page an edit or a "Mark done" comes back to. On a forum's own page
 * (`inForum`) the project's forum goes without saying.
 */
const columnsFor = (returnTo: string, inForum: boolean): DataColumn<ActionItem>[] => [
  {
    id: 'text',
    header: 'Action',
    accessorFn: (a) => a.text,
    cell: ({ row }) => (
      <>
        {row.original.text}{' '}
        <Link
          to={`/forums/${row.original.forumSlug}/action-items/${row.original.id}?back=${encodeURIComponent(returnTo)}`}
          className="small"
        >
          Edit<span className="skip-link"> action item: {row.original.text}</span>
        </Link>
      </>
    ),
  },
  {
    id: 'project',
    header: 'Project',
    accessorFn: (a) => a.project,
    cell: ({ row }) => (
      <>
        <Link to={`/forums/${row.original.forumSlug}/projects/${row.original.projectId}`}>{row.original.project}</Link>
        {inForum ? null : <div className="muted">{row.original.forum}</div>}
      </>
    ),
  },
  {
    id: 'due',
    header: 'Due',
    accessorFn: (a) => a.dueDate,
    cell: ({ row }) => (
      <>
        {row.original.dueDate ? formatDate(row.original.dueDate, 'UTC') : <span className="muted">No date</span>}
        {row.original.overdue ? <span className="badge health-off_track">overdue</span> : null}
      </>
    ),
  },
  {
    id: 'from',
    header: 'From',
    cell: ({ row }) =>
      row.original.meetingId && row.original.meetingAt ? (
        <Link
          to={`/forums/${row.original.forumSlug}/meetings/${row.original.meetingId}#item-${row.original.projectId}`}
        >
          Meeting of {formatDate(row.original.meetingAt, row.original.timeZone)}
        </Link>
      ) : null,
  },
  {
    id: 'done',
    header: 'Done?',
    cell: ({ row }) => (
      <Form method="post" action={`/forums/${row.original.forumSlug}/action-items/${row.original.id}`}>
        <input type="hidden" name="intent" value="done" />
        <input type="hidden" name="redirectTo" value={returnTo} />
        <button type="submit" className="button secondary small">
          Mark done<span className="skip-link">: {row.original.text}</span>
        </button>
      </Form>
    ),
  },
];

/** Home: the signed-in user's open action items, with project and due date, overdue flagged. */
export function MyActionItems({
  items,
  total = items.length,
  returnTo = '/',
  inForum = false,
}: {
  items: ActionItem[];
  /** How many are open, when `items` are the first few of them (a forum's page): the rest are on the home page. */
  total?: number;
  returnTo?: string;
  /** On a forum's own page: its items only, so the forum is not named on each. */
  inForum?: boolean;
}) {
  const columns = useMemo(() => columnsFor(returnTo, inForum), [returnTo, inForum]);
  return (
    <section aria-labelledby="action-items-title" className="my-action-items">
      <h2 id="action-items-title">{countedTitle('Action items', items.length, total)}</h2>
      <DataTable
        caption="My open action items"
        columns={columns}
        data={items}
        getRowId={(a) => String(a.id)}
        empty="No open action items."
        priority={['text', 'project', 'due', 'done']}
      />
      <More shown={items.length} total={total} to="/">
        due later: all my action items on my home page
      </More>
    </section>
  );
}
