"use client";

import { formatDay } from "@/components/requests/format";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SelectFilter } from "@/components/ui/select-filter";

import { useUrlParams } from "@/components/ui/use-url-params";
import { exceptionStatusLabels, exceptionTypes } from "@/server/core/exceptions/types";
import { dashboardQueryString, parseDashboardParams } from "./dashboard-params";
import { remaining, statusText, typeLabel } from "./format";
import { useTimeZone } from "@/components/time/time-zone";

const PAGE_SIZE = 25;

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
  const tz = useTimeZone();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [params, setParams] = useUrlParams(parseDashboardParams, dashboardQueryString);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState("");
  const input = {
    page: params.page,
    pageSize: PAGE_SIZE,
    expiringWithinDays: params.expiring,
    type: params.type as never,
    system: params.system,
    department: params.department,
    status: params.status,
    search: params.search,
  };
  const list = useQuery(trpc.exceptions.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const revoke = useMutation(
    trpc.exceptions.revokeMany.mutationOptions({
      onSuccess: async () => {
        setRevoking(false);
        setSelected(new Set());
        setReason("");
        await queryClient.invalidateQueries({ queryKey: trpc.exceptions.list.queryKey() });
      },
    }),
  );
  const rows = list.data?.rows ?? [];
  const open = rows.filter((r) => !r.endedAt);
  const toggle = (id: string) =>
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const counts = list.data?.counts;

  return (
    <div className="grid gap-4">
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
          <Button variant="danger" disabled={selected.size === 0} onClick={() => setRevoking(true)}>
            Revoke {selected.size || ""} selected…
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
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" aria-label="Exceptions">
            <thead>
              <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all open exceptions on this page"
                    checked={open.length > 0 && open.every((r) => selected.has(r.id))}
                    onChange={(e) => setSelected(e.target.checked ? new Set(open.map((r) => r.id)) : new Set())}
                  />
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Person
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Grant
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Remaining
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Extensions
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Approver
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id} className="hover:bg-slate-50">
                  <td className="px-3 py-2">
                    {!r.endedAt && (
                      <input
                        type="checkbox"
                        aria-label={`Select EXC-${r.number}`}
                        checked={selected.has(r.id)}
                        onChange={() => toggle(r.id)}
                      />
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/exceptions/${r.id}`} className="font-medium text-slate-900 hover:underline">
                      {r.holderName}
                    </Link>
                    <div className="text-xs text-slate-500">{r.holderDepartment ?? "—"}</div>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {r.resourceKey}
                    {r.level ? ` (${r.level})` : ""}
                  </td>
                  <td className="px-3 py-2">{typeLabel(r.type)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {r.endedAt ? (
                      <span className="text-slate-500">ended {formatDay(r.endedAt, tz)}</span>
                    ) : (
                      <>
                        {remaining(r.msRemaining ?? 0)}{" "}
                        <span className="text-xs text-slate-500">({formatDay(r.expiresAt, tz)})</span>
                      </>
                    )}
                  </td>
                  <td className="px-3 py-2">{r.extensionsUsed} of 4</td>
                  <td className="px-3 py-2">
                    {r.approverName ?? (r.fallbackName ? `fallback ${r.fallbackName}` : "auto-approval rule")}
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={statusText[r.status]?.tone ?? "neutral"}>
                      {statusText[r.status]?.label ?? r.status}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="px-3 pb-3">
            <Pagination
              page={params.page}
              pageSize={PAGE_SIZE}
              total={list.data.total}
              onPage={(page) => setParams({ page })}
              label="exceptions"
            />
          </div>
        </div>
      )}

      <ConfirmDialog
        open={revoking}
        title={`Revoke ${selected.size} exception${selected.size === 1 ? "" : "s"}?`}
        tone="danger"
        confirmLabel="Revoke now"
        busy={revoke.isPending}
        onCancel={() => setRevoking(false)}
        onConfirm={() => revoke.mutate({ exceptionIds: [...selected], reason })}
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
