"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { bandLabels, type PatternBand, type PatternDimension } from "@/server/core/migration/patterns";
import { plural, type MigrationOutputs } from "./format";
import type { useDraftPolicy } from "./use-draft-policy";

type Pattern = MigrationOutputs["pattern"];
type Person = Pattern["resources"][number]["lacking"][number];

const bandTones: Record<PatternBand, "green" | "brand" | "neutral" | "amber"> = {
  all: "green",
  most: "brand",
  some: "neutral",
  outlier: "amber",
};

function People({ label, people, total }: { label: string; people: Person[]; total: number }) {
  return (
    <span className="text-xs text-slate-600">
      {label}{" "}
      {people.map((p, i) => (
        <span key={p.id}>
          {i > 0 && ", "}
          <Link href={`/identities/${p.id}`} className="text-brand-700 hover:underline">
            {p.name}
          </Link>
        </span>
      ))}
      {total > people.length && ` and ${total - people.length} more`}
    </span>
  );
}

function ShareBar({ holders, size }: { holders: number; size: number }) {
  const share = Math.floor((holders / size) * 100);
  return (
    <div className="flex items-center gap-2">
      {/* SVG geometry rather than an inline style, which the Content-Security-Policy refuses. */}
      <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="h-1.5 w-20" aria-hidden>
        <rect width="100" height="6" rx="3" className="fill-slate-200" />
        <rect width={share} height="6" rx="3" className="fill-brand-600" />
      </svg>
      <span className="whitespace-nowrap text-slate-700 tabular-nums">
        {holders}/{size} <span className="text-xs text-slate-500">({share}%)</span>
      </span>
    </div>
  );
}

/** One group's resources by how many hold them; the ticked ones go into the draft. */
export function GroupPattern({
  dimension,
  group,
  drafting,
}: {
  dimension: PatternDimension;
  group: string;
  drafting: ReturnType<typeof useDraftPolicy>;
}) {
  const trpc = useTRPC();
  const pattern = useQuery(trpc.migration.pattern.queryOptions({ dimension, group }));
  if (pattern.isError) return <Alert title="This pattern could not be computed">{pattern.error.message}</Alert>;
  if (!pattern.data) {
    return (
      <div aria-busy="true" aria-label={`Loading the pattern of ${group}`} className="grid gap-2">
        <Skeleton className="h-5 w-1/2" />
        <Skeleton className="h-24" />
      </div>
    );
  }
  return (
    <PatternTable key={`${pattern.data.group}:${pattern.dataUpdatedAt}`} pattern={pattern.data} drafting={drafting} />
  );
}

function PatternTable({ pattern, drafting }: { pattern: Pattern; drafting: ReturnType<typeof useDraftPolicy> }) {
  const [chosen, setChosen] = useState(
    () => new Set(pattern.resources.filter((r) => r.inDefaultDraft).map((r) => r.resource)),
  );
  const toggle = (resource: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (!next.delete(resource)) next.add(resource);
      return next;
    });
  return (
    <div className="grid gap-3">
      <p className="text-sm text-slate-700">
        {plural(pattern.size, "Active person", "Active people")} with{" "}
        {pattern.dimension === "job_title" ? "job title" : "department"} <b>{pattern.group}</b>. What all of them hold
        is the baseline; what 90% or more hold likely belongs in the policy; outliers are exceptions to investigate.
        Ticked resources go into the draft.
      </p>
      <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Resources held by {pattern.group}</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="w-8 px-3 py-2 font-medium">
                <span className="sr-only">In the draft</span>
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Resource
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Held by
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Pattern
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Policy gives it to
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Look at
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {pattern.resources.map((r) => {
              const id = `draft-${pattern.group}-${r.resource}`.replace(/\W+/g, "-");
              return (
                <tr key={r.resource}>
                  <td className="px-3 py-2">
                    <input
                      id={id}
                      type="checkbox"
                      checked={chosen.has(r.resource)}
                      onChange={() => toggle(r.resource)}
                      className="mt-0.5"
                    />
                  </td>
                  <td className="px-3 py-2">
                    <label htmlFor={id} className="font-mono text-xs text-slate-900">
                      {r.resource}
                    </label>
                    {r.level && <span className="ml-1 text-xs text-slate-500">({r.level})</span>}
                  </td>
                  <td className="px-3 py-2">
                    <ShareBar holders={r.holders} size={pattern.size} />
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={bandTones[r.band]} className="whitespace-nowrap">
                      {bandLabels[r.band]}
                    </Badge>
                  </td>
                  <td className="px-3 py-2 text-slate-700 tabular-nums">
                    {r.policyGives === pattern.size ? (
                      <span className="text-emerald-700">everyone</span>
                    ) : r.policyGives === 0 ? (
                      "nobody"
                    ) : (
                      `${r.policyGives} of ${pattern.size}`
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {r.band === "most" && (
                      <People label="Without it:" people={r.lacking} total={pattern.size - r.holders} />
                    )}
                    {r.band === "outlier" && <People label="Held by:" people={r.heldBy} total={r.holders} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          disabled={chosen.size === 0 || drafting.pending !== null}
          onClick={() => void drafting.draft(pattern.dimension, pattern.group, [...chosen])}
        >
          {drafting.pending === pattern.group ? "Drafting…" : `Draft policy with ${plural(chosen.size, "grant")}`}
        </Button>
        <span className="text-sm text-slate-600">Opens in the policy editor: lint, preview the impact, then save.</span>
      </div>
      {drafting.error?.group === pattern.group && (
        <p role="alert" className="text-sm text-red-700">
          {drafting.error.message}
        </p>
      )}
    </div>
  );
}
