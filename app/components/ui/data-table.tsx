import { Link } from '~/components/ui/link';
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';

export const dataTableFeatures = tableFeatures({});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- columns of one table hold values of different types
export type DataColumn<Row extends RowData> = ColumnDef<typeof dataTableFeatures, Row, any>;

export interface ServerSort {
  id: string;
  desc: boolean;
}

interface DataTableProps<Row extends RowData> {
  caption: string;
  columns: DataColumn<Row>[];
  data: Row[];
  getRowId?: (row: Row) => string;
  /** Server-side sorting (manual mode): headers of these columns become links to the sorted view. */
  sortableIds?: readonly string[];
  sort?: ServerSort | null;
  sortHref?: (id: string, desc: boolean) => string;
  empty?: string;
  /** On a narrow screen only these columns show (by id; issue #20): the others are hidden, so no table scrolls sideways. */
  priority?: readonly string[];
}

/** Every table in the app: TanStack's headless model, real table semantics, sorting by links (works without JS). */
export function DataTable<Row extends RowData>({
  caption,
  columns,
  data,
  getRowId,
  sortableIds = [],
  sort,
  sortHref,
  empty = 'Nothing to show.',
  priority,
}: DataTableProps<Row>) {
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId: getRowId ? (row: Row) => getRowId(row) : undefined,
  });
  const narrow = (id: string) => (priority && !priority.includes(id) ? 'wide-only' : undefined);
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="skip-link">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const id = header.column.id;
                const sortable = sortHref && sortableIds.includes(id);
                const active = sort?.id === id;
                const ariaSort = active ? (sort.desc ? 'descending' : 'ascending') : sortable ? 'none' : undefined;
                const content = header.isPlaceholder ? null : <table.FlexRender header={header} />;
                return (
                  <th key={header.id} scope="col" aria-sort={ariaSort} className={narrow(id)}>
                    {sortable ? (
                      <Link className="sort-link" to={sortHref(id, active ? !sort.desc : false)} preventScrollReset>
                        {content}
                        <span aria-hidden="true">{active ? (sort.desc ? ' ▼' : ' ▲') : ' ↕'}</span>
                      </Link>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={narrow(cell.column.id)}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
