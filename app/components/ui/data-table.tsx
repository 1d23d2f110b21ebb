import { Link } from '~/components/ui/link';
import {
  tableFeatures,
  useTable,
  type CellContext,
  type Column,
  type ColumnDef,
  type Row as TableRow,
  type RowData,
  type Table,
} from '@tanstack/react-table';

export const dataTableFeatures = tableFeatures({});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- columns of one table hold values of different types
export type DataColumn<Row extends RowData> = ColumnDef<typeof dataTableFeatures, Row, any>;

type Features = typeof dataTableFeatures;

/**
 * A cell as `<FlexRender cell={cell} />` renders it (its column's `cell` template with the cell's context), from the
 * row and the column, without TanStack's per-cell objects: `row.getAllCells()` builds one per column and row, and its
 * `getContext()` a memo per cell, for pages that render each table once (decision 027: a seventh of the render of a
 * chair's forum page, which has three tables). The template is called, not mounted: cells are plain functions of
 * their row (no hooks). The context's `cell` is built only if a template reads it.
 */
function renderCell<Row extends RowData>(
  table: Table<Features, Row>,
  row: TableRow<Features, Row>,
  column: Column<Features, Row, unknown>,
) {
  const template = column.columnDef.cell;
  const getValue = <TValue,>() => row.getValue<TValue>(column.id);
  if (typeof template !== 'function') return template ?? getValue<React.ReactNode>();
  const context: CellContext<Features, Row, unknown> = {
    table,
    row,
    column,
    getValue,
    renderValue: <TValue,>() => (getValue<TValue>() ?? table.options.renderFallbackValue) as TValue,
    get cell() {
      return row.getAllCellsByColumnId()[column.id];
    },
  };
  return template(context) as React.ReactNode;
}

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
  const leafColumns = table.getAllLeafColumns();
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
                {leafColumns.map((column) => (
                  <td key={column.id} className={narrow(column.id)}>
                    {renderCell(table, row, column)}
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
