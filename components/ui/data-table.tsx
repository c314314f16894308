"use client";

import {
  createColumnHelper,
  metaHelper,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type Row,
  type RowData,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { useEffect, useMemo, useRef, useState, type ComponentProps } from "react";
import { cn } from "./cn";
import { SkeletonRows } from "./skeleton";

interface CellMeta {
  /** added to the cell's (and, unless headerClassName is set, the header's) padding */
  className?: string;
  headerClassName?: string;
}

interface TableMeta {
  selectLabel?: (row: unknown) => string;
  selectAllLabel?: string;
}

const features = tableFeatures({
  rowSortingFeature,
  rowSelectionFeature,
  columnMeta: metaHelper<CellMeta>(),
  tableMeta: metaHelper<TableMeta>(),
});
type Features = typeof features;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a column list mixes value types
export type DataColumn<T extends RowData> = ColumnDef<Features, T, any>;
/** Typed column definitions: `const col = columnHelper<Row>(); [col.display({ id, header, cell })]`. */
export const columnHelper = <T extends RowData>() => createColumnHelper<Features, T>();

export interface ServerSort {
  /** the column id the server sorts by */
  sort: string;
  direction: "asc" | "desc";
  onSort: (sort: string, direction: "asc" | "desc") => void;
}

export interface Selection<T extends RowData> {
  /** ids of the ticked rows (they may be on other pages) */
  selected: RowSelectionState;
  onChange: (selected: RowSelectionState) => void;
  /** the checkbox's accessible name, e.g. "Select REQ-12" */
  label: (row: T) => string;
  canSelect?: (row: T) => boolean;
  /** a header checkbox ticking every selectable row on this page */
  allLabel?: string;
}

// At module scope: its cell and header are React components, and a new function on every render
// would remount the checkboxes (and lose their focus).
const selectColumn: DataColumn<RowData> = {
  id: "select",
  enableSorting: false,
  meta: { className: "w-8" },
  header: ({ table }) => {
    const allLabel = table.options.meta?.selectAllLabel;
    if (!allLabel) return <span className="sr-only">Select</span>;
    const selectable = table.getRowModel().rows.filter((r) => r.getCanSelect());
    return (
      <input
        type="checkbox"
        aria-label={allLabel}
        checked={selectable.length > 0 && selectable.every((r) => r.getIsSelected())}
        onChange={(e) => {
          const tick = e.target.checked;
          // One update for the whole page (several toggles would each start from the same old state).
          table.setRowSelection((old) => {
            const next = { ...old };
            for (const r of selectable) {
              if (tick) next[r.id] = true;
              else delete next[r.id];
            }
            return next;
          });
        }}
      />
    );
  },
  cell: ({ row, table }) =>
    row.getCanSelect() ? (
      <input
        type="checkbox"
        aria-label={table.options.meta?.selectLabel?.(row.original) ?? "Select"}
        checked={row.getIsSelected()}
        onChange={(e) => row.toggleSelected(e.target.checked)}
      />
    ) : null,
};

const apply = <S,>(updater: Updater<S>, old: S) =>
  typeof updater === "function" ? (updater as (old: S) => S)(old) : updater;

/** Whether the box scrolls sideways, so that only then it becomes a tab stop for keyboard scrolling. */
function useOverflows() {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return [ref, overflows] as const;
}

/**
 * The one table of the portal: headers, server-side sorting (manual mode: the page fetches the
 * sorted rows), row selection by id, skeleton rows while loading, and a sideways-scrolling box with
 * a visible scrollbar that the keyboard can reach when the table is wider than the screen. The box
 * is `relative` so that absolutely positioned children (sr-only text) stay inside it instead of
 * widening the page.
 */
export function DataTable<T extends RowData>({
  label,
  columns,
  data,
  getRowId,
  sort,
  selection,
  loading = false,
  busy,
  rowProps,
  className,
  tableClassName,
}: {
  /** the table's accessible name */
  label: string;
  columns: DataColumn<T>[];
  data: T[];
  getRowId: (row: T, index: number) => string;
  sort?: ServerSort;
  selection?: Selection<T>;
  /** no rows yet: show skeleton rows */
  loading?: boolean;
  /** rows are being refreshed (aria-busy) */
  busy?: boolean;
  rowProps?: (row: T, index: number) => ComponentProps<"tr">;
  className?: string;
  /** replaces the default text size */
  tableClassName?: string;
}) {
  const [scrollRef, overflows] = useOverflows();
  const withSelection = Boolean(selection);
  const allColumns = useMemo(
    () => (withSelection ? [selectColumn as DataColumn<T>, ...columns] : columns),
    [withSelection, columns],
  );
  const sorting: SortingState = sort ? [{ id: sort.sort, desc: sort.direction === "desc" }] : [];
  const table = useTable({
    features,
    columns: allColumns,
    meta: {
      selectLabel: selection?.label as ((row: unknown) => string) | undefined,
      selectAllLabel: selection?.allLabel,
    },
    data,
    getRowId: (row: T, index: number) => getRowId(row, index),
    manualSorting: true,
    enableSorting: Boolean(sort),
    enableSortingRemoval: false,
    enableMultiSort: false,
    sortDescFirst: false,
    enableRowSelection: selection ? (row: Row<Features, T>) => selection.canSelect?.(row.original) ?? true : false,
    state: { sorting, rowSelection: selection?.selected ?? {} },
    onSortingChange: (updater) => {
      const next = apply(updater, sorting)[0];
      if (sort && next) sort.onSort(next.id, next.desc ? "desc" : "asc");
    },
    onRowSelectionChange: (updater) => selection?.onChange(apply(updater, selection.selected)),
  });
  const rows = table.getRowModel().rows;
  return (
    <div
      ref={scrollRef}
      className={cn("relative scrollbar-visible overflow-x-auto", className)}
      {...(overflows ? { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls sideways)` } : {})}
    >
      <table className={cn("w-full text-left", tableClassName ?? "text-sm")} aria-label={label} aria-busy={busy}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const sorted = header.column.getIsSorted();
                const content = header.isPlaceholder ? null : <table.FlexRender header={header} />;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={cn("px-3 py-2 font-medium", meta?.headerClassName ?? meta?.className)}
                    aria-sort={
                      header.column.getCanSort()
                        ? sorted === "asc"
                          ? "ascending"
                          : sorted === "desc"
                            ? "descending"
                            : "none"
                        : undefined
                    }
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        className="inline-flex items-center gap-1 uppercase hover:text-slate-800"
                      >
                        {content}
                        <span aria-hidden className={sorted ? "text-slate-700" : "text-slate-300"}>
                          {sorted === "desc" ? "▼" : "▲"}
                        </span>
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {loading && rows.length === 0 && <SkeletonRows columns={table.getAllLeafColumns().length} />}
          {rows.map((row, i) => {
            const { className: rowClassName, ...props } = rowProps?.(row.original, i) ?? {};
            return (
              <tr key={row.id} className={cn("align-top", rowClassName)} {...props}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={cn("px-3 py-2", cell.column.columnDef.meta?.className)}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
