"use client";

import { When } from "@/components/time/when";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { AppRouter } from "@/server/api/root";

type Run = inferRouterOutputs<AppRouter>["drift"]["runs"]["rows"][number];

const count = (id: string, header: string, value: (r: Run) => number | null): DataColumn<Run> => ({
  id,
  header,
  meta: { className: "text-right tabular-nums" },
  cell: ({ row }) => value(row.original) ?? "—",
});

const columns: DataColumn<Run>[] = [
  {
    id: "when",
    header: "When",
    meta: { className: "whitespace-nowrap" },
    cell: ({ row }) => <When at={row.original.startedAt} />,
  },
  { id: "system", header: "System", cell: ({ row }) => row.original.systemKey },
  {
    id: "by",
    header: "By",
    meta: { className: "text-xs text-slate-600" },
    cell: ({ row: { original: r } }) => (r.trigger === "schedule" ? "daily schedule" : r.requestedBy),
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row: { original: r } }) => (
      <>
        <Badge tone={r.status === "failed" ? "red" : r.status === "running" ? "brand" : "green"}>{r.status}</Badge>
        {r.error && <div className="max-w-xs text-xs text-red-700">{r.error}</div>}
      </>
    ),
  },
  count("read", "Read", (r) => r.actualCount),
  count("excess", "Excess", (r) => r.excessCount),
  count("missing", "Missing", (r) => r.missingCount),
  count("level", "Level", (r) => r.levelCount),
  count("corrected", "Corrected", (r) => r.remediatedCount),
  {
    id: "took",
    header: "Took",
    meta: { className: "text-right tabular-nums whitespace-nowrap" },
    cell: ({ row: { original: r } }) => (r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "—"),
  },
];

/** The latest drift checks, scheduled and on demand. */
export function DriftRunsTable({ runs }: { runs: Run[] }) {
  return <DataTable label="Drift checks" columns={columns} data={runs} getRowId={(r) => String(r.id)} />;
}
