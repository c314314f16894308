"use client";

import { When } from "@/components/time/when";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { AppRouter } from "@/server/api/root";

type HrEvent = inferRouterOutputs<AppRouter>["hr"]["sources"]["events"][number];

const columns: DataColumn<HrEvent>[] = [
  {
    id: "received",
    header: "Received",
    meta: { className: "text-slate-500" },
    cell: ({ row }) => <When at={row.original.receivedAt} />,
  },
  { id: "source", header: "Source", cell: ({ row }) => row.original.sourceKey },
  { id: "event", header: "Event", meta: { className: "font-mono text-xs" }, cell: ({ row }) => row.original.type },
  { id: "person", header: "Person", cell: ({ row }) => row.original.externalId },
  { id: "effective", header: "Effective", cell: ({ row }) => <When at={row.original.effectiveAt} /> },
  {
    id: "status",
    header: "Status",
    cell: ({ row: { original: e } }) => (
      <>
        <Badge tone={e.status === "applied" ? "green" : e.status === "failed" ? "red" : "amber"}>{e.status}</Badge>
        {e.error && <span className="ml-2 text-xs text-red-700">{e.error}</span>}
      </>
    ),
  },
];

/** What HR systems sent, newest first. */
export function HrEventsTable({ events }: { events: HrEvent[] }) {
  return <DataTable label="HR events" columns={columns} data={events} getRowId={(e) => String(e.id)} />;
}
