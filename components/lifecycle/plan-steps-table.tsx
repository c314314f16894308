"use client";

import { When } from "@/components/time/when";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import type { AppRouter } from "@/server/api/root";

type Step = inferRouterOutputs<AppRouter>["lifecycle"]["plansOf"][number]["steps"][number];

const stateTone: Record<string, "neutral" | "brand" | "green" | "amber" | "red"> = {
  done: "green",
  queued: "brand",
  waiting: "amber",
  in_grace: "amber",
  removing: "brand",
  awaiting_review: "amber",
  failed: "red",
  cancelled: "neutral",
};
const stateLabel: Record<string, string> = {
  done: "done",
  queued: "queued",
  waiting: "task for IT",
  in_grace: "grace period",
  removing: "removing",
  awaiting_review: "awaiting review",
  failed: "failed",
  cancelled: "cancelled",
};

function actionText(s: Step) {
  if (s.action === "grant") return <span className="text-emerald-700">+ add</span>;
  if (s.action === "change_level") return <span className="text-brand-700">↕ level</span>;
  return <span className="text-red-700">− remove</span>;
}

function levelText(s: Step) {
  if (s.action === "change_level") return `${s.previousLevel ?? "lowest"} → ${s.level ?? "lowest"}`;
  return s.level ?? "";
}

const columns: DataColumn<Step>[] = [
  {
    id: "step",
    header: "Step",
    meta: { className: "font-medium whitespace-nowrap" },
    cell: ({ row }) => actionText(row.original),
  },
  {
    id: "resource",
    header: "Resource",
    meta: { className: "font-mono text-xs text-slate-800" },
    cell: ({ row }) => row.original.resourceKey,
  },
  {
    id: "level",
    header: "Level",
    meta: { className: "whitespace-nowrap text-slate-700" },
    cell: ({ row }) => levelText(row.original),
  },
  {
    id: "status",
    header: "Status",
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: s } }) => (
      <>
        <Badge tone={stateTone[s.state] ?? "neutral"}>{stateLabel[s.state] ?? s.state}</Badge>
        {s.exceptionNumber && (
          <Link href={`/exceptions/${s.exceptionId}`} className="ml-2 text-xs text-brand-700 hover:underline">
            EXC-{s.exceptionNumber}
          </Link>
        )}
        {s.detail && <div className="mt-0.5 max-w-xs text-xs text-slate-500">{s.detail}</div>}
      </>
    ),
  },
  {
    id: "when",
    header: "When",
    meta: { className: "text-xs whitespace-nowrap text-slate-600" },
    cell: ({ row: { original: s } }) =>
      s.state === "done" ? (
        <>
          done <When at={s.at} />
        </>
      ) : s.graceDays > 0 ? (
        <>
          due <When at={s.dueAt} /> ({s.graceDays}-day grace)
        </>
      ) : s.executedAt ? (
        <>
          queued <When at={s.executedAt} />
        </>
      ) : (
        "at once, once approved"
      ),
  },
  {
    id: "why",
    header: "Why",
    meta: { className: "min-w-56 text-xs text-slate-600" },
    cell: ({ row }) => row.original.reason,
  },
];

/** One plan's steps with each step's state and timing. */
export function PlanStepsTable({ label, steps }: { label: string; steps: Step[] }) {
  return <DataTable label={label} columns={columns} data={steps} getRowId={(s) => s.id} />;
}
