import { Link } from '~/components/ui/link';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { formatDateTime } from '~/utils/format';

export interface StatusDue {
  projectId: number;
  projectName: string;
  slug: string;
  forumName: string;
  timeZone: string;
  deadline: string;
  overdue: boolean;
}

const columns: DataColumn<StatusDue>[] = [
  {
    id: 'project',
    header: 'Project',
    accessorFn: (s) => s.projectName,
    cell: ({ row }) => (
      <>
        {row.original.projectName}
        <div className="muted">{row.original.forumName}</div>
      </>
    ),
  },
  {
    id: 'deadline',
    header: 'Deadline',
    accessorFn: (s) => s.deadline,
    cell: ({ row }) => (
      <>
        {formatDateTime(row.original.deadline, row.original.timeZone)}
        {row.original.overdue ? <span className="badge health-off_track">overdue</span> : null}
      </>
    ),
  },
  {
    id: 'post',
    header: 'Status',
    cell: ({ row }) => (
      <Link to={`/forums/${row.original.slug}/projects/${row.original.projectId}/status`}>
        Post status for {row.original.projectName}
      </Link>
    ),
  },
];

/** Home: the signed-in owner's projects still without a status for their forum's coming meeting (nothing when none). */
export function StatusesDue({ items }: { items: StatusDue[] }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="statuses-due-title">
      <h2 id="statuses-due-title">Statuses due</h2>
      <DataTable
        caption="Statuses due for the coming meetings"
        columns={columns}
        data={items}
        getRowId={(s) => String(s.projectId)}
      />
    </section>
  );
}
