"use client";

import { When } from "@/components/time/when";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { AppRouter } from "@/server/api/root";
import { plural } from "@/server/core/text/plural";

type SystemRow = inferRouterOutputs<AppRouter>["drift"]["overview"][number];

/** A system's lifecycle settings, changed in place. */
function SettingsCell({ s }: { s: SystemRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [review, setReview] = useState(s.reviewPlans);
  const [grace, setGrace] = useState(s.graceDays === null ? "" : String(s.graceDays));
  const [auto, setAuto] = useState(s.driftAutoRemediate);
  const save = useMutation(
    trpc.drift.settings.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        router.refresh();
      },
    }),
  );
  return (
    <>
      {editing ? (
        <form
          className="grid gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              systemKey: s.key,
              reviewPlans: review,
              graceDays: grace.trim() === "" ? null : Number(grace),
              driftAutoRemediate: auto,
            });
          }}
        >
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={review} onChange={(e) => setReview(e.target.checked)} /> Review plans before
            execution
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Correct drift
            automatically
          </label>
          <label className="flex items-center gap-2">
            Grace period
            <input
              type="number"
              min={0}
              max={365}
              value={grace}
              placeholder="30"
              onChange={(e) => setGrace(e.target.value)}
              className="w-20 rounded-md border border-slate-300 px-2 py-1"
              aria-label={`Grace period in days for ${s.name}`}
            />{" "}
            days
          </label>
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save"}
            </Button>
            <Button variant="ghost" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
          {save.isError && (
            <p role="alert" className="text-red-700">
              {save.error.message}
            </p>
          )}
        </form>
      ) : (
        <div className="grid gap-0.5">
          <span>{s.reviewPlans ? "Plans wait for review" : "Plans run at once"}</span>
          <span>{s.driftAutoRemediate ? "Drift corrected automatically" : "Drift reported for IT"}</span>
          <span>
            Grace period {plural(s.effectiveGraceDays, "day")}
            {s.graceDays === null ? " (default)" : ""}
          </span>
          <button
            type="button"
            onClick={() => setEditing(true)}
            className="mt-1 w-fit text-xs font-medium text-brand-700 hover:underline"
          >
            Change…
          </button>
        </div>
      )}
    </>
  );
}

/** "Check now", or how to make the system checkable. */
function CheckCell({ s }: { s: SystemRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const check = useMutation(trpc.drift.check.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <>
      {s.canCheck ? (
        <Button variant="secondary" disabled={check.isPending} onClick={() => check.mutate({ systemKey: s.key })}>
          {check.isPending ? "Checking…" : "Check now"}
        </Button>
      ) : (
        <Link
          href={`/systems/${s.key}`}
          className="text-xs text-slate-500 hover:text-slate-800 hover:underline"
          title="The manual adapter cannot read access back"
        >
          Connect an adapter to check
        </Link>
      )}
      {check.isError && (
        <p role="alert" className="mt-1 max-w-xs text-xs text-red-700">
          {check.error.message}
        </p>
      )}
    </>
  );
}

function LastCheck({ last }: { last: SystemRow["lastRun"] }) {
  return (
    <>
      {!last ? (
        "never checked"
      ) : (
        <>
          <Badge tone={last.status === "failed" ? "red" : last.status === "running" ? "brand" : "green"}>
            {last.status}
          </Badge>
          <div className="mt-0.5">
            <When at={last.finishedAt ?? last.startedAt} />
            {last.durationMs !== null ? ` · ${(last.durationMs / 1000).toFixed(1)} s` : ""}
          </div>
          {last.status === "done" && (
            <div>
              {last.actualCount} read · {last.expectedCount} expected
            </div>
          )}
          {last.error && <div className="max-w-xs text-red-700">{last.error}</div>}
        </>
      )}
    </>
  );
}

function OpenFindings({ s }: { s: SystemRow }) {
  const open = s.open.excess + s.open.missing + s.open.level;
  return (
    <>
      {open === 0 ? (
        <span className="text-sm text-slate-500">none</span>
      ) : (
        <Link href={`/drift?system=${s.key}`} className="flex flex-wrap gap-1">
          {s.open.excess > 0 && <Badge tone="red">{s.open.excess} excess</Badge>}
          {s.open.missing > 0 && <Badge tone="amber">{s.open.missing} missing</Badge>}
          {s.open.level > 0 && <Badge tone="brand">{s.open.level} level</Badge>}
        </Link>
      )}
    </>
  );
}

const columns: DataColumn<SystemRow>[] = [
  {
    id: "system",
    header: "System",
    cell: ({ row: { original: s } }) => (
      <>
        <Link href={`/systems/${s.key}`} className="font-medium text-slate-900 hover:underline">
          {s.name}
        </Link>
        <div className="text-xs text-slate-500">{s.adapterKind} adapter</div>
      </>
    ),
  },
  {
    id: "last",
    header: "Last check",
    meta: { className: "text-xs text-slate-600" },
    cell: ({ row }) => <LastCheck last={row.original.lastRun} />,
  },
  { id: "open", header: "Open findings", cell: ({ row }) => <OpenFindings s={row.original} /> },
  {
    id: "settings",
    header: "Lifecycle settings",
    meta: { className: "min-w-52 text-xs text-slate-700" },
    cell: ({ row }) => <SettingsCell s={row.original} />,
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    meta: { className: "text-right" },
    cell: ({ row }) => <CheckCell s={row.original} />,
  },
];

export function SystemDriftTable({ systems }: { systems: SystemRow[] }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <DataTable
        label="Drift by system"
        columns={columns}
        data={systems}
        getRowId={(s) => s.key}
        rowProps={() => ({ className: "hover:bg-slate-50" })}
      />
    </div>
  );
}
