"use client";

import { useMemo } from "react";
import { DataTable, type DataColumn } from "@/components/ui/data-table";

type Cell = string | number | boolean | null;
type ReportRow = Cell[];

/** Free text and JSON: these wrap (up to a few lines, the whole value on hover) instead of widening the table. */
const longText = new Set([
  "justification",
  "approval_note",
  "decision_note",
  "references",
  "message",
  "reason",
  "why",
  "end_reason",
  "auto_approved_because",
  "before",
  "after",
  "context",
  "files",
  "impact",
  "hash",
  "prev_hash",
  "subject_id",
  "separation_of_duties",
]);

const text = (cell: Cell) => (cell === null ? "—" : String(cell));

/** On screen the short columns come first (who, what, approved by, expires, status…), free text after them; exports keep the report's order. */
function reportColumns(names: readonly string[]): DataColumn<ReportRow>[] {
  const order = names.map((name, i) => ({ name, i }));
  const shown = [
    ...order.filter(({ name, i }) => i === 0 || !longText.has(name)),
    ...order.filter(({ name, i }) => i > 0 && longText.has(name)),
  ];
  return shown.map(({ name, i }) => ({
    id: name,
    header: name.replaceAll("_", " "),
    meta: {
      // The first column (who or what the row is about) stays in view while the rest scrolls.
      className:
        i === 0
          ? "sticky left-0 z-10 bg-white whitespace-nowrap shadow-[1px_0_0_var(--color-slate-200)]"
          : longText.has(name)
            ? "min-w-48 max-w-sm"
            : "whitespace-nowrap",
      headerClassName:
        i === 0
          ? "sticky left-0 z-10 bg-white whitespace-nowrap shadow-[1px_0_0_var(--color-slate-200)]"
          : "whitespace-nowrap",
    },
    cell: ({ row }) =>
      longText.has(name) ? (
        <span className="line-clamp-3 wrap-anywhere" title={text(row.original[i] ?? null)}>
          {text(row.original[i] ?? null)}
        </span>
      ) : (
        text(row.original[i] ?? null)
      ),
  }));
}

/**
 * A report's preview: short values on one line, free text wrapped, the first column pinned, and a
 * visible scrollbar the keyboard reaches (DataTable) for the columns past the right edge.
 */
export function ReportTable({
  label,
  columns,
  rows,
}: {
  label: string;
  columns: readonly string[];
  rows: ReportRow[];
}) {
  const defs = useMemo(() => reportColumns(columns), [columns]);
  return (
    <DataTable
      label={label}
      columns={defs}
      data={rows}
      getRowId={(_, index) => String(index)}
      tableClassName="text-xs"
    />
  );
}
