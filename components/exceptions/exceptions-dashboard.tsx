"use client";

import { Day } from "@/components/time/when";
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import type { RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadMore } from "@/components/ui/load-more";
import { SelectFilter } from "@/components/ui/select-filter";

import { useUrlParams } from "@/components/ui/use-url-params";
import { exceptionStatusLabels, exceptionTypes } from "@/server/core/exceptions/types";
import type { AppRouter } from "@/server/api/root";
import { dashboardQueryString, parseDashboardParams } from "./dashboard-params";
import { remaining, statusText, typeLabel } from "./format";

const PAGE_SIZE = 25;

type ExceptionRow = inferRouterOutputs<AppRouter>["exceptions"]["list"]["rows"][number];

const columns: DataColumn<ExceptionRow>[] = [
  {
    id: "person",
    header: "Person",
    cell: ({ row: { original: r } }) => (
      <>
        <Link href={`/exceptions/${r.id}`} className="font-medium text-slate-900 hover:underline">
          {r.holderName}
        </Link>
        <div className="text-xs text-slate-500">{r.holderDepartment ?? "—"}</div>
      </>
    ),
  },
  {
    id: "grant",
    header: "Grant",
    meta: { className: "font-mono text-xs" },
    cell: ({ row: { original: r } }) => (
      <>
        {r.resourceKey}
        {r.level ? ` (${r.level})` : ""}
      </>
    ),
  },
  { id: "type", header: "Type", cell: ({ row }) => typeLabel(row.original.type) },
  {
    id: "remaining",
    header: "Remaining",
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: r } }) =>
      r.endedAt ? (
        <span className="text-slate-500">
          ended <Day at={r.endedAt} />
        </span>
      ) : (
        <>
          {remaining(r.msRemaining ?? 0)}{" "}
          <span className="text-xs text-slate-500">
            (<Day at={r.expiresAt} />)
          </span>
        </>
      ),
  },
  { id: "extensions", header: "Extensions", cell: ({ row }) => `${row.original.extensionsUsed} of 4` },
  {
    id: "approver",
    header: "Approver",
    cell: ({ row: { original: r } }) =>
      r.approverName ?? (r.fallbackName ? `fallback ${r.fallbackName}` : "auto-approval rule"),
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row: { original: r } }) => (
      <Badge tone={statusText[r.status]?.tone ?? "neutral"}>{statusText[r.status]?.label ?? r.status}</Badge>
    ),
  },
];

function Count({ label, value, tone }: { label: string; value: string | number; tone?: "red" }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className={`mt-1 text-2xl font-semibold ${tone === "red" ? "text-red-700" : "text-slate-900"}`}>{value}</p>
    </div>
  );
}

/** Seed 000's "Active exceptions" for IT: who holds what outside policy, until when, approved by whom. */
export function ExceptionsDashboard({ systems, departments }: { systems: string[]; departments: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [params, setParams] = useUrlParams(parseDashboardParams, dashboardQueryString);
  const [selected, setSelected] = useState<RowSelectionState>({});
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState("");
  const input = {
    limit: PAGE_SIZE,
    expiringWithinDays: params.expiring,
    type: params.type as never,
    system: params.system,
    department: params.department,
    status: params.status,
    search: params.search,
  };
  // Soonest expiry first, a page at a time (keyset): "Load more" appends the next page.
  const list = useInfiniteQuery(
    trpc.exceptions.list.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
    }),
  );
  const revoke = useMutation(
    trpc.exceptions.revokeMany.mutationOptions({
      onSuccess: async () => {
        setRevoking(false);
        setSelected({});
        setReason("");
        await queryClient.invalidateQueries({ queryKey: trpc.exceptions.list.infiniteQueryKey() });
      },
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.rows) ?? [];
  const selectedIds = Object.keys(selected).filter((id) => selected[id]);
  const counts = list.data?.pages[0]?.counts;

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Count label="Open exceptions" value={counts?.open ?? "…"} />
        <Count label="Expiring in 7 days" value={counts?.expiring7 ?? "…"} />
        <Count label="Expiring in 30 days" value={counts?.expiring30 ?? "…"} />
        <Count
          label="Revoke failed"
          value={counts?.revokeFailed ?? "…"}
          tone={counts?.revokeFailed ? "red" : undefined}
        />
        <Count label="Share of all access" value={counts ? `${(counts.shareOfAccess * 100).toFixed(1)}%` : "…"} />
      </div>

      <div className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
        <div>
          <label htmlFor="exc-search" className="text-xs font-medium text-slate-600">
            Person or resource
          </label>
          <input
            id="exc-search"
            type="search"
            defaultValue={params.search}
            onChange={(e) => setParams({ search: e.target.value || undefined })}
            className="mt-1 block rounded-md border border-slate-300 px-2 py-2 text-sm"
            placeholder="sarah, finance-reports…"
          />
        </div>
        <SelectFilter
          id="exc-status"
          label="Status"
          allLabel="Open"
          value={params.status === "open" ? undefined : params.status}
          options={["revoke_failed", "ended", "all"]}
          labels={{ revoke_failed: exceptionStatusLabels.revoke_failed, ended: "Ended", all: "All" }}
          onChange={(v) => setParams({ status: (v as never) ?? "open" })}
        />
        <SelectFilter
          id="exc-expiring"
          label="Expiring"
          allLabel="Any time"
          value={params.expiring ? String(params.expiring) : undefined}
          options={["7", "30"]}
          labels={{ "7": "Within 7 days", "30": "Within 30 days" }}
          onChange={(v) => setParams({ expiring: v ? (Number(v) as 7 | 30) : undefined })}
        />
        <SelectFilter
          id="exc-type"
          label="Type"
          allLabel="All types"
          value={params.type}
          options={[...exceptionTypes, "fallback"]}
          labels={typeLabel}
          onChange={(v) => setParams({ type: v })}
        />
        <SelectFilter
          id="exc-system"
          label="System"
          allLabel="All systems"
          value={params.system}
          options={systems}
          onChange={(v) => setParams({ system: v })}
        />
        <SelectFilter
          id="exc-department"
          label="Department"
          allLabel="All departments"
          value={params.department}
          options={departments}
          onChange={(v) => setParams({ department: v })}
        />
        <div className="ml-auto">
          <Button variant="danger" disabled={selectedIds.length === 0} onClick={() => setRevoking(true)}>
            Revoke {selectedIds.length || ""} selected…
          </Button>
        </div>
      </div>

      {list.isPending ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-500" aria-busy="true">
          Loading exceptions…
        </p>
      ) : list.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {list.error.message}
        </p>
      ) : rows.length === 0 ? (
        <EmptyState title="No exceptions match">
          Access outside policy appears here once approved, with its expiry, until it is removed.
        </EmptyState>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <DataTable
            label="Exceptions"
            columns={columns}
            data={rows}
            getRowId={(r) => r.id}
            selection={{
              selected,
              onChange: setSelected,
              label: (r) => `Select EXC-${r.number}`,
              canSelect: (r) => !r.endedAt,
              allLabel: "Select all open exceptions shown",
            }}
            rowProps={() => ({ className: "hover:bg-slate-50" })}
          />
          <div className="px-3 pb-3">
            <LoadMore
              shown={rows.length}
              total={list.data.pages[0]?.total}
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              onMore={() => void list.fetchNextPage()}
              label="exceptions"
            />
          </div>
        </div>
      )}

      <ConfirmDialog
        open={revoking}
        title={`Revoke ${selectedIds.length} exception${selectedIds.length === 1 ? "" : "s"}?`}
        tone="danger"
        confirmLabel="Revoke now"
        busy={revoke.isPending}
        onCancel={() => setRevoking(false)}
        onConfirm={() => revoke.mutate({ exceptionIds: selectedIds, reason })}
      >
        <p>The access is removed through each system now, and the holders are told.</p>
        <label htmlFor="revoke-reason" className="mt-3 block text-sm font-medium text-slate-800">
          Reason (required)
        </label>
        <textarea
          id="revoke-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {revoke.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {revoke.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
