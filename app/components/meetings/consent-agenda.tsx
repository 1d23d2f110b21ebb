import { Form } from '@remix-run/react';
import { useMemo } from 'react';
import { HealthBadge } from '~/components/badges';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList } from '~/components/ui/field';
import type { ConsentItem as Item } from './agenda-item';
import { failureFor, formErrorOf, type Failure } from './failure';

/** Everyone else, one line each; a leader can pull an item into discussion until the meeting closes. */
export function ConsentAgenda({ items, canPull, failure }: { items: Item[]; canPull: boolean; failure?: Failure }) {
  const columns = useMemo<DataColumn<Item>[]>(() => {
    const cols: DataColumn<Item>[] = [
      { id: 'project', header: 'Project', accessorFn: (r) => r.project },
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'health',
        header: 'Owner’s health',
        accessorFn: (r) => r.health,
        cell: ({ row }) => <HealthBadge health={row.original.health} />,
      },
      { id: 'summary', header: 'Summary', accessorFn: (r) => r.summary },
      { id: 'reason', header: 'Why on consent', accessorFn: (r) => r.reason },
    ];
    if (canPull) {
      cols.push({
        id: 'pull',
        header: 'Discuss',
        cell: ({ row }) => {
          const errors = failureFor(failure, 'pull', row.original.projectId);
          return (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="pull" />
              <input type="hidden" name="projectId" value={row.original.projectId} />
              <button type="submit" className="button secondary small">
                Pull <span className="skip-link">{row.original.project} </span>into discussion
              </button>
              <ErrorList errors={[...(formErrorOf(errors) ?? []), ...(errors?.fieldErrors.projectId ?? [])]} />
            </Form>
          );
        },
      });
    }
    return cols;
  }, [canPull, failure]);
  return (
    <DataTable
      caption="Consent agenda"
      columns={columns}
      data={items}
      getRowId={(r) => String(r.projectId)}
      empty="Nothing on the consent agenda."
    />
  );
}
