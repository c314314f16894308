"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadMore } from "@/components/ui/load-more";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import { useUrlParams } from "@/components/ui/use-url-params";
import type { AppRouter } from "@/server/api/root";
import { auditQueryString, parseAuditParams } from "./audit-params";
import { ChainVerification } from "./chain-verification";
import { auditActionLabel } from "@/server/core/audit/action-label";
import { When } from "@/components/time/when";

const PAGE_SIZE = 50;

type AuditEvent = inferRouterOutputs<AppRouter>["auditLog"]["list"]["rows"][number];
const noEvents: AuditEvent[] = [];

function auditColumns(linkPeople: boolean): DataColumn<AuditEvent>[] {
  return [
    { id: "id", header: "#", meta: { className: "text-slate-500 tabular-nums" }, cell: ({ row }) => row.original.id },
    {
      id: "when",
      header: "When",
      meta: { className: "whitespace-nowrap text-slate-600 tabular-nums" },
      cell: ({ row }) => <When at={row.original.occurredAt} seconds />,
    },
    { id: "who", header: "Who", cell: ({ row }) => row.original.actorLabel },
    {
      id: "what",
      header: "What",
      cell: ({ row }) => (
        <>
          {auditActionLabel(row.original.action)}
          <span className="block font-mono text-xs text-slate-500">{row.original.action}</span>
        </>
      ),
    },
    {
      id: "subject",
      header: "Subject",
      meta: { className: "text-slate-600" },
      cell: ({ row: { original: e } }) => (
        <>
          {e.subjectName && e.subjectId && linkPeople ? (
            <Link href={`/identities/${e.subjectId}`} className="text-brand-700 hover:underline">
              {e.subjectName}
            </Link>
          ) : (
            (e.subjectName ?? e.subjectType)
          )}
          {e.subjectId && !e.subjectName && (
            <span className="block truncate text-xs text-slate-500">{e.subjectId}</span>
          )}
        </>
      ),
    },
    {
      id: "why",
      header: "Why",
      meta: { className: "text-slate-600" },
      cell: ({ row: { original: e } }) => (
        <>
          {e.reason ?? "—"}
          <details className="mt-1 text-xs">
            <summary className="cursor-pointer text-slate-500">Details</summary>
            <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 p-2">
              {JSON.stringify(JSON.parse(e.details), null, 2)}
            </pre>
          </details>
        </>
      ),
    },
  ];
}
const columnsLinked = auditColumns(true);
const columnsPlain = auditColumns(false);

/** `linkPeople`: whether the viewer may open identity pages (IT admins). */
export function AuditLogTable({ linkPeople }: { linkPeople: boolean }) {
  const trpc = useTRPC();
  const [params, update] = useUrlParams(parseAuditParams, auditQueryString);
  // Newest first, a page at a time (keyset on the id): "Load more" appends older events.
  const events = useInfiniteQuery(
    trpc.auditLog.list.infiniteQueryOptions(
      { search: params.search, action: params.action, subjectId: params.subjectId, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const rows = events.data?.pages.flatMap((p) => p.rows) ?? noEvents;
  const actions = events.data?.pages[0]?.actions ?? undefined;

  return (
    <div className="grid grid-cols-1 gap-4">
      <ChainVerification />

      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="mb-4 flex flex-wrap items-end gap-3">
          <SearchInput
            id="audit-search"
            label="Search who, subject, email or reason"
            value={params.search}
            onSearch={(search) => update({ search })}
          />
          <SelectFilter
            id="audit-action"
            label="Action"
            allLabel="All actions"
            value={params.action}
            options={actions}
            labels={auditActionLabel}
            onChange={(action) => update({ action })}
          />
          {params.subjectId && (
            <Button variant="ghost" onClick={() => update({ subjectId: undefined })}>
              Showing one subject · show all
            </Button>
          )}
        </div>

        {events.isError && <Alert title="The audit log could not be loaded">{events.error.message}</Alert>}
        {events.data && rows.length === 0 ? (
          <EmptyState title="No events match">Clear the filters to see every event.</EmptyState>
        ) : (
          <DataTable
            label="Audit events"
            columns={linkPeople ? columnsLinked : columnsPlain}
            data={rows}
            getRowId={(e) => String(e.id)}
            loading={!events.data}
            className={cn(events.isPlaceholderData && "opacity-60")}
          />
        )}
        {events.data && rows.length > 0 && (
          <LoadMore
            shown={rows.length}
            hasMore={events.hasNextPage}
            loading={events.isFetchingNextPage}
            onMore={() => void events.fetchNextPage()}
            label="events"
          />
        )}
      </div>
    </div>
  );
}
