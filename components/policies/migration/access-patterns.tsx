"use client";

import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { SkeletonRows } from "@/components/ui/skeleton";
import type { PatternDimension } from "@/server/core/migration/patterns";
import { GroupPattern } from "./group-pattern";
import { NoSnapshot } from "./no-snapshot";
import { useDraftPolicy } from "./use-draft-policy";

/** The largest groups first; the long tail of one-person titles is a click away. */
const FIRST_GROUPS = 12;

const dimensions: { key: PatternDimension; label: string }[] = [
  { key: "job_title", label: "By job title" },
  { key: "department", label: "By department" },
];

/** Groups with their common access and outliers; open one to see its resources and draft a policy. */
export function AccessPatterns() {
  const trpc = useTRPC();
  const [dimension, setDimension] = useState<PatternDimension>("job_title");
  const [open, setOpen] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const groups = useQuery(trpc.migration.patternGroups.queryOptions({ dimension }));
  const snapshot = useQuery(trpc.migration.systems.queryOptions());
  const hasSnapshot = snapshot.data?.some((s) => s.rows > 0);
  const shown = showAll ? groups.data : groups.data?.slice(0, FIRST_GROUPS);
  const drafting = useDraftPolicy();

  return (
    <div className="grid gap-4">
      <div role="group" aria-label="Group people" className="inline-flex w-fit rounded-md ring-1 ring-slate-300">
        {dimensions.map((d) => (
          <button
            key={d.key}
            type="button"
            aria-pressed={dimension === d.key}
            onClick={() => {
              setDimension(d.key);
              setOpen(null);
              setShowAll(false);
            }}
            className={cn(
              "px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md",
              dimension === d.key ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
            )}
          >
            {d.label}
          </button>
        ))}
      </div>
      {groups.isError && <Alert title="Patterns could not be computed">{groups.error.message}</Alert>}
      {groups.data?.length === 0 ? (
        hasSnapshot === false ? (
          <NoSnapshot />
        ) : (
          <p className="text-sm text-slate-600">
            Nobody Active with a {dimension === "job_title" ? "job title" : "department"} holds anything in the
            snapshot: its accounts match no identity (see the accounts no one has, in coverage).
          </p>
        )
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">
              Access patterns {dimension === "job_title" ? "by job title" : "by department"}
            </caption>
            <thead>
              <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className="px-3 py-2 font-medium">
                  {dimension === "job_title" ? "Job title" : "Department"}
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  People
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Resources
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Held by 100%
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Held by 90%+
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Outliers
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {groups.isPending ? (
                <SkeletonRows rows={5} columns={7} />
              ) : (
                shown?.map((g) => {
                  const expanded = open === g.group;
                  const detailId = `pattern-${dimension}-${g.group.replace(/\W+/g, "-")}`;
                  return (
                    <Fragment key={g.group}>
                      <tr className={cn("align-top", expanded ? "bg-slate-50" : "hover:bg-slate-50")}>
                        <th scope="row" className="px-3 py-2 font-medium text-slate-900">
                          {g.group}
                        </th>
                        <td
                          className="px-3 py-2 text-right tabular-nums"
                          title={`${g.inSnapshot} of ${g.size} hold something in the snapshot`}
                        >
                          {g.size}
                          {g.inSnapshot < g.size && (
                            <span className="text-xs text-slate-500"> ({g.inSnapshot} in snapshot)</span>
                          )}
                        </td>
                        <td className="px-3 py-2 text-right tabular-nums">{g.resources}</td>
                        <td className="px-3 py-2 text-right tabular-nums">{g.heldByAll}</td>
                        <td className="px-3 py-2 text-right tabular-nums">{g.heldByMost}</td>
                        <td className={cn("px-3 py-2 text-right tabular-nums", g.outliers > 0 && "text-amber-800")}>
                          {g.outliers}
                        </td>
                        <td className="px-3 py-2">
                          <div className="flex justify-end gap-2">
                            <Button
                              variant="ghost"
                              aria-expanded={expanded}
                              aria-controls={expanded ? detailId : undefined}
                              onClick={() => setOpen(expanded ? null : g.group)}
                            >
                              {expanded ? "Hide" : "Show"} pattern
                            </Button>
                            <Button
                              variant="secondary"
                              disabled={drafting.pending !== null}
                              onClick={() => void drafting.draft(dimension, g.group)}
                            >
                              {drafting.pending === g.group ? "Drafting…" : "Draft policy"}
                            </Button>
                          </div>
                          {drafting.error?.group === g.group && !expanded && (
                            <p role="alert" className="mt-1 max-w-xs text-right text-xs text-red-700">
                              {drafting.error.message}
                            </p>
                          )}
                        </td>
                      </tr>
                      {expanded && (
                        <tr>
                          <td
                            colSpan={7}
                            id={detailId}
                            className="border-l-2 border-brand-600 bg-slate-50/60 px-4 py-4"
                          >
                            <GroupPattern dimension={dimension} group={g.group} drafting={drafting} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })
              )}
            </tbody>
          </table>
          {groups.data && groups.data.length > FIRST_GROUPS && (
            <div className="border-t border-slate-100 px-3 pt-3">
              <Button variant="ghost" onClick={() => setShowAll(!showAll)}>
                {showAll ? `Show the ${FIRST_GROUPS} largest groups` : `Show all ${groups.data.length} groups`}
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
