"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { buttonClasses } from "@/components/ui/button";
import { plural } from "@/server/core/text/plural";

const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm";

interface Contents {
  period: { from: string; to: string };
  files: { name: string; rows: number }[];
}

const fileLabels: Record<string, string> = {
  "access-as-of-start.csv": "Access at the start",
  "access-as-of-end.csv": "Access at the end",
  "exception-log.csv": "Exception log (also as PDF)",
  "approvals.csv": "Approvals",
  "requests.csv": "Requests",
  "leavers.csv": "Leavers",
  "policy-changes.csv": "Policy changes",
  "audit-events.csv": "Audit events",
};
const snapshots = new Set(["access-as-of-start.csv", "access-as-of-end.csv"]);

/** The period's evidence as one ZIP: every report, the chain verification, the control mapping. */
export function EvidencePackForm({ initial }: { initial: Contents }) {
  const trpc = useTRPC();
  const [from, setFrom] = useState(initial.period.from);
  const [to, setTo] = useState(initial.period.to);
  const valid = Boolean(from && to && from <= to);
  const isInitial = from === initial.period.from && to === initial.period.to;
  // What the pack would hold, so nobody downloads a ZIP of empty files without knowing it.
  const contents = useQuery(
    trpc.reports.evidencePackContents.queryOptions(
      { from, to },
      { enabled: valid, initialData: isInitial ? initial : undefined, placeholderData: keepPreviousData },
    ),
  );
  const files = contents.data?.files ?? [];
  const nothingHappened = files.length > 0 && files.every((f) => snapshots.has(f.name) || f.rows === 0);
  return (
    <section aria-labelledby="pack-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="pack-heading" className="text-base font-semibold">
        Evidence pack
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        One ZIP for a period: every report as CSV (the exception log also as PDF), access at the start and end, the
        audit-chain verification, and CONTROLS.md mapping each file to SOC 2 CC6.1–CC6.3, ISO 27001
        A.9.2.1/A.9.2.5/A.9.2.6 (2022: 5.16, 5.18) and SOX ITGC.
      </p>
      {/* POSTed, never a plain link another site could trigger; the browser downloads the answer. */}
      <form method="post" action="/api/reports/evidence-pack" className="mt-3 flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600">
          Period from
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} className={input} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          to
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} className={input} />
        </label>
        {valid ? (
          <button type="submit" className={buttonClasses("primary")}>
            Download evidence pack
          </button>
        ) : (
          <span role="alert" className="text-sm text-red-700">
            The period must end on or after its start.
          </span>
        )}
      </form>
      {valid && (
        <div className="mt-3 text-sm" aria-live="polite" aria-busy={contents.isFetching}>
          {contents.isError ? (
            <p role="alert" className="text-red-700">
              {contents.error.message}
            </p>
          ) : files.length === 0 ? (
            <p className="text-slate-600">Counting what this period holds…</p>
          ) : (
            <>
              <p className="font-medium text-slate-800">This period holds:</p>
              <ul aria-label="Files in the evidence pack" className="mt-1 grid gap-x-6 sm:grid-cols-2 lg:grid-cols-4">
                {files.map((f) => (
                  <li key={f.name} className="flex justify-between gap-3 text-slate-700">
                    <span>{fileLabels[f.name] ?? f.name}</span>
                    <span className={f.rows === 0 ? "text-slate-500" : "tabular-nums"}>
                      {f.rows === 0 ? "empty" : plural(f.rows, "row")}
                    </span>
                  </li>
                ))}
              </ul>
              {nothingHappened && (
                <p role="status" className="mt-2 text-amber-800">
                  Nothing was recorded in this period: apart from the access snapshots, every file would be empty.
                </p>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
