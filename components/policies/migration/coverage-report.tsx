"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { formatWhen } from "@/components/requests/format";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { percentText } from "@/server/core/migration/coverage";
import { AccessList } from "./access-list";
import { plural } from "./format";
import { useTimeZone } from "@/components/time/time-zone";

/** The number the migration is steered by, prominently, with what makes up the rest. */
export function CoverageHeadline() {
  const trpc = useTRPC();
  const coverage = useQuery(trpc.migration.coverage.queryOptions());
  if (coverage.isPending) return <Skeleton className="h-28" />;
  if (coverage.isError) return <Alert title="Coverage could not be computed">{coverage.error.message}</Alert>;
  const o = coverage.data.overall;
  const systems = coverage.data.systems.length;
  // Before any snapshot there is no number to show; the sections below say what to do.
  if (o.rows === 0) return null;
  return (
    <section
      aria-labelledby="coverage-headline"
      className="flex flex-wrap items-center gap-x-10 gap-y-4 rounded-lg border border-slate-200 bg-white px-6 py-5 shadow-sm"
    >
      <div>
        <p id="coverage-headline" className="text-5xl font-semibold tracking-tight text-slate-900 tabular-nums">
          {percentText(o.policyShare)}
        </p>
        <p className="mt-1 text-sm text-slate-600">of current access is defined by policy</p>
      </div>
      <dl className="grid grid-cols-2 gap-x-8 gap-y-2 text-sm sm:grid-cols-4">
        <Stat label="Access rows" value={`${o.rows.toLocaleString("en")} on ${plural(systems, "system")}`} />
        <Stat
          label="Covered by active exceptions"
          value={`${percentText(o.exceptionShare)} (${o.exception.toLocaleString("en")})`}
        />
        <Stat
          label="Explained by nothing"
          value={`${percentText(o.unexplainedShare)} (${o.unexplained.toLocaleString("en")})`}
          tone={o.unexplained ? "red" : undefined}
        />
        <Stat
          label="Expected but missing"
          value={o.missing.toLocaleString("en")}
          tone={o.missing ? "amber" : undefined}
        />
      </dl>
    </section>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: "red" | "amber" }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd
        className={cn(
          "font-semibold tabular-nums",
          tone === "red" ? "text-red-700" : tone === "amber" ? "text-amber-800" : "text-slate-900",
        )}
      >
        {value}
      </dd>
    </div>
  );
}

const lists = [
  { key: "unexplained", label: "Access nothing explains" },
  { key: "missing", label: "Expected but missing" },
] as const;

/** Per system: what policy explains, what exceptions cover, what nothing explains, what is missing; then the lists. */
export function CoverageReport() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const coverage = useQuery(trpc.migration.coverage.queryOptions());
  const [list, setList] = useState<(typeof lists)[number]["key"]>("unexplained");
  const [systemKey, setSystemKey] = useState<string | undefined>(undefined);
  if (coverage.isPending) return <Skeleton className="h-40" />;
  if (coverage.isError) return <Alert title="Coverage could not be computed">{coverage.error.message}</Alert>;
  const report = coverage.data;
  if (report.systems.length === 0)
    return <p className="text-sm text-slate-500">Coverage is measured once a snapshot is imported.</p>;
  return (
    <div className="grid gap-6">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Policy coverage per system</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="px-3 py-2 font-medium">
                System
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Rows
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Policy
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Exceptions
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Nothing
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Missing
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Accounts no one has
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Snapshot of
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {report.systems.map((s) => (
              <tr key={s.systemKey}>
                <th scope="row" className="px-3 py-2 font-medium text-slate-900">
                  {s.name}
                </th>
                <td className="px-3 py-2 text-right tabular-nums">{s.rows.toLocaleString("en")}</td>
                <td className="px-3 py-2 text-right font-semibold tabular-nums">{percentText(s.policyShare)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{s.exception.toLocaleString("en")}</td>
                <td className={cn("px-3 py-2 text-right tabular-nums", s.unexplained > 0 && "text-red-700")}>
                  {s.unexplained.toLocaleString("en")}
                </td>
                <td className={cn("px-3 py-2 text-right tabular-nums", s.missing > 0 && "text-amber-800")}>
                  {s.missing.toLocaleString("en")}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{s.unmatchedAccounts.toLocaleString("en")}</td>
                <td className="px-3 py-2 text-xs text-slate-500">{formatWhen(s.importedAt, tz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {report.resourcesWithoutPolicy.length > 0 && (
        <details className="rounded-md border border-slate-200 px-4 py-2 text-sm">
          <summary className="cursor-pointer font-medium text-slate-800">
            {plural(report.resourcesWithoutPolicy.length, "resource")} people hold that no policy grants at all
          </summary>
          <p className="mt-1 text-slate-600">
            Each needs a policy, or stays with the few who hold it as documented exceptions.
          </p>
          <ul className="mt-2 grid gap-0.5 font-mono text-xs">
            {report.resourcesWithoutPolicy.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </details>
      )}

      <div>
        <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200">
          <div role="group" aria-label="Which access to list" className="flex gap-1">
            {lists.map((l) => (
              <button
                key={l.key}
                type="button"
                aria-pressed={list === l.key}
                aria-controls="coverage-list"
                onClick={() => setList(l.key)}
                className={cn(
                  "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
                  list === l.key
                    ? "border-brand-600 text-brand-700"
                    : "border-transparent text-slate-600 hover:text-slate-900",
                )}
              >
                {l.label} (
                {(l.key === "unexplained" ? report.overall.unexplained : report.overall.missing).toLocaleString("en")})
              </button>
            ))}
          </div>
          <div className="pb-2">
            <label htmlFor="coverage-system" className="sr-only">
              List the access of
            </label>
            <select
              id="coverage-system"
              value={systemKey ?? ""}
              onChange={(e) => setSystemKey(e.target.value || undefined)}
              className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="">All systems</option>
              {report.systems.map((s) => (
                <option key={s.systemKey} value={s.systemKey}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div id="coverage-list" className="pt-3">
          <AccessList key={`${list}:${systemKey ?? ""}`} kind={list} systemKey={systemKey} />
        </div>
      </div>
    </div>
  );
}
