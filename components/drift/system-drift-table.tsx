"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { formatWhen } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { AppRouter } from "@/server/api/root";
import { plural } from "@/server/core/text/plural";
import { useTimeZone } from "@/components/time/time-zone";

type SystemRow = inferRouterOutputs<AppRouter>["drift"]["overview"][number];

/** One system's drift state and its lifecycle settings, with "Check now". */
function SystemRowView({ s }: { s: SystemRow }) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [review, setReview] = useState(s.reviewPlans);
  const [grace, setGrace] = useState(s.graceDays === null ? "" : String(s.graceDays));
  const [auto, setAuto] = useState(s.driftAutoRemediate);
  const check = useMutation(trpc.drift.check.mutationOptions({ onSuccess: () => router.refresh() }));
  const save = useMutation(
    trpc.drift.settings.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        router.refresh();
      },
    }),
  );
  const open = s.open.excess + s.open.missing + s.open.level;
  const last = s.lastRun;
  return (
    <tr className="align-top hover:bg-slate-50">
      <td className="px-4 py-2">
        <Link href={`/systems/${s.key}`} className="font-medium text-slate-900 hover:underline">
          {s.name}
        </Link>
        <div className="text-xs text-slate-500">{s.adapterKind} adapter</div>
      </td>
      <td className="px-4 py-2 text-xs text-slate-600">
        {!last ? (
          "never checked"
        ) : (
          <>
            <Badge tone={last.status === "failed" ? "red" : last.status === "running" ? "brand" : "green"}>
              {last.status}
            </Badge>
            <div className="mt-0.5">
              {formatWhen(last.finishedAt ?? last.startedAt, tz)}
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
      </td>
      <td className="px-4 py-2">
        {open === 0 ? (
          <span className="text-sm text-slate-500">none</span>
        ) : (
          <Link href={`/drift?system=${s.key}`} className="flex flex-wrap gap-1">
            {s.open.excess > 0 && <Badge tone="red">{s.open.excess} excess</Badge>}
            {s.open.missing > 0 && <Badge tone="amber">{s.open.missing} missing</Badge>}
            {s.open.level > 0 && <Badge tone="brand">{s.open.level} level</Badge>}
          </Link>
        )}
      </td>
      <td className="px-4 py-2 text-xs text-slate-700">
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
              <input type="checkbox" checked={review} onChange={(e) => setReview(e.target.checked)} /> Review plans
              before execution
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
      </td>
      <td className="px-4 py-2 text-right">
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
      </td>
    </tr>
  );
}

export function SystemDriftTable({ systems }: { systems: SystemRow[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm" aria-label="Drift by system">
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="px-4 py-2 font-medium">
              System
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last check
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Open findings
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Lifecycle settings
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {systems.map((s) => (
            <SystemRowView key={s.key} s={s} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
