"use client";

import { When } from "@/components/time/when";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { RestrictionsSummary } from "@/components/exceptions/restrictions-summary";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadMore } from "@/components/ui/load-more";
import { Skeleton } from "@/components/ui/skeleton";
import type { AppRouter } from "@/server/api/root";
import { viaLabel } from "./format";
import { StatusBadge } from "./status-badge";

type InboxRow = inferRouterOutputs<AppRouter>["inbox"]["list"]["rows"][number];

const PAGE_SIZE = 25;

function RequestSummary({ r }: { r: InboxRow }) {
  const firstName = r.requesterName.split(" ")[0];
  const proposal = r.proposal as { resource: string } | null;
  return (
    <div className="min-w-0 py-1">
      <p className="flex flex-wrap items-center gap-2">
        <Link href={`/requests/${r.id}`} className="font-medium text-brand-700 hover:underline">
          REQ-{r.number} ·{" "}
          {proposal
            ? `${r.proposerName ?? "IT"} (IT) proposes ${proposal.resource} for ${r.requesterName}`
            : `${r.requesterName} asks for ${r.templateName}`}
        </Link>
        {r.kind === "extension" && <Badge tone="brand">Extension</Badge>}
        {proposal && <Badge tone="amber">proposed by IT</Badge>}
        <StatusBadge status={r.status} />
        {r.outsidePolicy && <Badge tone="amber">not in {firstName}&apos;s role policy</Badge>}
      </p>
      <p className="mt-0.5 text-sm text-slate-600">
        {r.requesterTitle ?? "—"}, {r.requesterDepartment ?? "—"} · {r.duration} · waiting since{" "}
        <When at={r.createdAt} /> · you are {viaLabel(r.via)}
      </p>
      <p className="mt-1 line-clamp-2 text-sm text-slate-800">{r.justification}</p>
      <RestrictionsSummary restrictions={r.restrictions} className="mt-1.5" />
    </div>
  );
}

const columns: DataColumn<InboxRow>[] = [
  { id: "request", header: "Request", cell: ({ row }) => <RequestSummary r={row.original} /> },
];

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

/**
 * What waits for me, oldest first, with filters, bulk approve/deny and keys: J/K move, X
 * selects, Enter opens, A approves and D denies the ticked requests. Bulk actions act on what is
 * ticked and nothing else: with nothing ticked they do nothing (the row in focus is decided on
 * its own page, where A and D work too).
 */
export function InboxList({ templates }: { templates: { key: string; name: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [templateKey, setTemplateKey] = useState("");
  const [status, setStatus] = useState<"" | "pending" | "needs_info">("");
  const [search, setSearch] = useState("");
  const list = useInfiniteQuery(
    trpc.inbox.list.infiniteQueryOptions(
      {
        templateKey: templateKey || undefined,
        status: status || undefined,
        search: search.trim() || undefined,
        limit: PAGE_SIZE,
      },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  // Pages are read oldest first with a keyset cursor: "Load more" appends the next one.
  const rows = list.data?.pages.flatMap((p) => p.rows) ?? [];
  const waiting = useQuery(trpc.inbox.count.queryOptions());
  const [selected, setSelected] = useState<RowSelectionState>({});
  const [cursor, setCursor] = useState(0);
  const [dialog, setDialog] = useState<"approve" | "deny" | null>(null);
  const [note, setNote] = useState("");
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const bulk = useMutation(
    trpc.requests.decideMany.mutationOptions({
      onSuccess: async () => {
        setSelected({});
        setNote("");
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.list.infiniteQueryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.count.queryKey() });
        router.refresh();
      },
    }),
  );
  // Only ticked rows that are still listed (a filter may hide some that were ticked).
  const targets = rows.filter((r) => selected[r.id]).map((r) => r.id);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey || dialog) return;
      const key = e.key.toLowerCase();
      if (key === "j" || e.key === "ArrowDown") setCursor((c) => Math.min(rows.length - 1, c + 1));
      else if (key === "k" || e.key === "ArrowUp") setCursor((c) => Math.max(0, c - 1));
      else if (key === "x" && rows[cursor]) toggle(rows[cursor]!.id);
      else if (e.key === "Enter" && rows[cursor]) router.push(`/requests/${rows[cursor]!.id}`);
      else if (key === "a" && targets.length) setDialog("approve");
      else if (key === "d" && targets.length) setDialog("deny");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });
  useEffect(() => {
    rowRefs.current[cursor]?.focus({ preventScroll: false });
  }, [cursor]);

  function toggle(id: string) {
    setSelected(({ [id]: was, ...others }) => (was ? others : { ...others, [id]: true }));
  }

  const failed = bulk.data?.filter((r) => !r.ok) ?? [];
  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="inbox-search" className="block text-xs font-medium text-slate-600">
            Search
          </label>
          <input
            id="inbox-search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name, email or REQ-number"
            className="mt-1 w-64 rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="inbox-template" className="block text-xs font-medium text-slate-600">
            Form
          </label>
          <select
            id="inbox-template"
            value={templateKey}
            onChange={(e) => setTemplateKey(e.target.value)}
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          >
            <option value="">All forms</option>
            {templates.map((t) => (
              <option key={t.key} value={t.key}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="inbox-status" className="block text-xs font-medium text-slate-600">
            Waiting on
          </label>
          <select
            id="inbox-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          >
            <option value="">Anyone</option>
            <option value="pending">Me</option>
            <option value="needs_info">The requester (more information asked)</option>
          </select>
        </div>
        <div className="ml-auto flex gap-2">
          <Button
            disabled={targets.length === 0 || bulk.isPending}
            onClick={() => setDialog("approve")}
            title={targets.length === 0 ? "Tick the requests to approve first" : undefined}
          >
            Approve {targets.length ? `${targets.length} selected` : "selected"}
          </Button>
          <Button
            variant="danger"
            disabled={targets.length === 0 || bulk.isPending}
            onClick={() => setDialog("deny")}
            title={targets.length === 0 ? "Tick the requests to deny first" : undefined}
          >
            Deny {targets.length ? `${targets.length} selected` : "selected"}…
          </Button>
        </div>
      </div>
      <p className="text-xs text-slate-600">
        Keys: J/K move · X tick · Enter open · A approve and D deny the ticked requests
      </p>
      {failed.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {failed.length} could not be decided: {failed.map((f) => f.error).join("; ")}
        </div>
      )}
      {list.isPending ? (
        <div className="grid grid-cols-1 gap-2">
          <Skeleton className="h-16" />
          <Skeleton className="h-16" />
        </div>
      ) : list.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {list.error.message}
        </p>
      ) : rows.length === 0 ? (
        <EmptyState title={templateKey || status || search ? "Nothing matches these filters" : "Nothing waits for you"}>
          {templateKey || status || search
            ? "Clear the filters to see everything waiting for you."
            : "When someone asks for access you decide, it appears here and you are told by email."}
        </EmptyState>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <DataTable
            label="Requests waiting for you"
            columns={columns}
            data={rows}
            getRowId={(r) => r.id}
            selection={{ selected, onChange: setSelected, label: (r) => `Select REQ-${r.number}` }}
            rowProps={(r, i) => ({
              ref: (el: HTMLTableRowElement | null) => {
                rowRefs.current[i] = el;
              },
              tabIndex: -1,
              onFocus: () => setCursor(i),
              className: cn("outline-none", i === cursor && "bg-brand-50/60 ring-2 ring-brand-500/40 ring-inset"),
            })}
          />
          <div className="px-3 pb-3">
            <LoadMore
              shown={rows.length}
              total={templateKey || status || search ? null : (waiting.data ?? null)}
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              onMore={() => void list.fetchNextPage()}
              label="waiting"
            />
          </div>
        </div>
      )}
      <ConfirmDialog
        open={dialog === "approve"}
        title={`Approve ${targets.length} request${targets.length === 1 ? "" : "s"}?`}
        confirmLabel="Approve"
        busy={bulk.isPending}
        onCancel={() => setDialog(null)}
        onConfirm={() => {
          bulk.mutate({ requestIds: targets, decision: "approve", note: note.trim() || undefined });
          setDialog(null);
        }}
      >
        Each is decided on its own; a request someone else decided meanwhile is reported, not changed.
        <label htmlFor="bulk-approve-note" className="mt-2 block text-xs font-medium text-slate-700">
          Note (optional)
        </label>
        <textarea
          id="bulk-approve-note"
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "deny"}
        title={`Deny ${targets.length} request${targets.length === 1 ? "" : "s"}?`}
        tone="danger"
        confirmLabel="Deny"
        busy={bulk.isPending}
        onCancel={() => setDialog(null)}
        onConfirm={() => {
          if (!note.trim()) return;
          bulk.mutate({ requestIds: targets, decision: "deny", note });
          setDialog(null);
        }}
      >
        <label htmlFor="bulk-deny-note" className="block text-xs font-medium text-slate-700">
          Why (required; each requester sees this)
        </label>
        <textarea
          id="bulk-deny-note"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {!note.trim() && <p className="mt-1 text-xs text-slate-500">Write a reason to deny.</p>}
      </ConfirmDialog>
    </div>
  );
}
