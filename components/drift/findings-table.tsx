"use client";

import { When } from "@/components/time/when";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SelectFilter } from "@/components/ui/select-filter";
import type { AppRouter } from "@/server/api/root";
import { FindingActions } from "./finding-actions";
import { driftKindLabels, type DriftKind } from "@/server/core/drift/explain";

const PAGE_SIZE = 25;
const kindTone = { excess: "red", missing: "amber", level: "brand" } as const;
const statusLabel: Record<string, string> = {
  open: "open",
  remediating: "correcting",
  resolved: "resolved",
  dismissed: "dismissed",
};

type Finding = inferRouterOutputs<AppRouter>["drift"]["findings"]["rows"][number];
const noFindings: Finding[] = [];

const columns: DataColumn<Finding>[] = [
  {
    id: "finding",
    header: "Finding",
    cell: ({ row: { original: f } }) => (
      <>
        <Badge tone={kindTone[f.kind as keyof typeof kindTone]}>{driftKindLabels[f.kind as DriftKind] ?? f.kind}</Badge>{" "}
        {f.status !== "open" && <Badge>{statusLabel[f.status] ?? f.status}</Badge>}
        <div className="mt-1 font-mono text-xs text-slate-800">{f.resourceKey}</div>
        <div className="text-xs text-slate-500">
          found <When at={f.createdAt} />
        </div>
      </>
    ),
  },
  {
    id: "who",
    header: "Who",
    cell: ({ row: { original: f } }) => (
      <>
        {f.person ? (
          <Link href={`/identities/${f.person.id}`} className="font-medium text-slate-900 hover:underline">
            {f.person.name}
          </Link>
        ) : (
          <span className="font-medium text-red-700">no identity</span>
        )}
        <div className="text-xs text-slate-500">account {f.username}</div>
      </>
    ),
  },
  {
    id: "expected",
    header: "What Clearance expects",
    meta: { className: "max-w-sm min-w-48 text-slate-700" },
    cell: ({ row }) => (row.original.explanation as { expected: string }).expected,
  },
  {
    id: "actual",
    header: "What the system says",
    meta: { className: "max-w-xs min-w-40 text-slate-700" },
    cell: ({ row }) => (row.original.explanation as { actual: string }).actual,
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    meta: { className: "text-right" },
    cell: ({ row }) => <FindingActions finding={row.original} />,
  },
];

/** Drift findings, each explaining itself: what Clearance expects and what the system says. */
export function FindingsTable({ systems, initialSystem }: { systems: string[]; initialSystem?: string }) {
  const trpc = useTRPC();
  const [systemKey, setSystemKey] = useState<string | undefined>(initialSystem);
  const [kind, setKind] = useState<"excess" | "missing" | "level" | undefined>();
  const [status, setStatus] = useState<"open" | "closed" | "all">("open");
  const [page, setPage] = useState(1);
  const query = useQuery({
    ...trpc.drift.findings.queryOptions({ systemKey, kind, status, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };
  return (
    <div className="grid grid-cols-1 gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <SelectFilter
          id="drift-system"
          label="System"
          allLabel="All systems"
          value={systemKey}
          options={systems}
          onChange={filter(setSystemKey)}
        />
        <SelectFilter
          id="drift-kind"
          label="Kind"
          allLabel="Every kind"
          value={kind}
          options={["excess", "missing", "level"]}
          labels={driftKindLabels}
          onChange={filter((v) => setKind(v as typeof kind))}
        />
        <div>
          <label htmlFor="drift-status" className="text-xs font-medium text-slate-600">
            Status
          </label>
          <select
            id="drift-status"
            value={status}
            onChange={(e) => filter(setStatus)(e.target.value as typeof status)}
            className="mt-1 block rounded-md border border-slate-300 px-2 py-2 text-sm"
          >
            <option value="open">Open and being corrected</option>
            <option value="closed">Resolved and dismissed</option>
            <option value="all">All</option>
          </select>
        </div>
      </div>
      {query.isError && (
        <p role="alert" className="text-sm text-red-700">
          {query.error.message}
        </p>
      )}
      {systems.length === 0 ? (
        <EmptyState title="No system can be checked yet">
          Drift detection reads what each system really holds. Every system is on the manual adapter: connect one to
          LDAP, PostgreSQL or a webhook on its Systems page, then “Check now”.
        </EmptyState>
      ) : query.data && query.data.total === 0 ? (
        <EmptyState title={status === "open" ? "No open drift" : "Nothing here"}>
          {status === "open"
            ? "Every system checked matches what policy, exceptions and grace periods say. Checks run daily at 02:30 UTC, or now with “Check now”."
            : "No findings match these filters."}
        </EmptyState>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <DataTable
            label="Drift findings"
            columns={columns}
            data={query.data?.rows ?? noFindings}
            getRowId={(f) => f.id}
            loading={!query.data}
          />
          {query.data && (
            <div className="px-4 pb-3">
              <Pagination page={page} pageSize={PAGE_SIZE} total={query.data.total} onPage={setPage} label="findings" />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
