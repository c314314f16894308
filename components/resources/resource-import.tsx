"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { csvTextOf, CsvSource, emptyCsvSource } from "@/components/ui/csv-source";
import { Problem } from "@/components/ui/field";

const example = [
  "type,name,display_name,owners,sensitivity,requestable,default_template",
  "group,finance-reports,Finance reports,cfo@company.com,high,yes,",
].join("\n");

/**
 * A CSV of resources for this system: Preview says what each row would do (nothing is written),
 * Import applies them all in one go. Problems name their line and column.
 */
export function ResourceImport({ systemKey }: { systemKey: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [source, setSource] = useState(emptyCsvSource);
  const run = useMutation(
    trpc.resources.importCsv.mutationOptions({ onSuccess: (r) => r.applied && router.refresh() }),
  );
  const result = run.data;
  const csv = csvTextOf(source);
  const changes = result?.rows.filter((r) => r.outcome !== "unchanged") ?? [];
  return (
    <div className="grid gap-3">
      <CsvSource
        id="resource-csv"
        value={source}
        onChange={(v) => {
          setSource(v);
          run.reset();
        }}
        maxBytes={1024 * 1024}
        tooLargeHint={(limit) => `a resource file takes at most ${limit}.`}
        placeholder={example}
        rows={4}
        fieldClassName="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
        describeFile={(f) => `${f.name}: ${f.text.split("\n").filter(Boolean).length - 1} rows`}
      />
      <p className="text-xs text-slate-600">
        Columns: type and name (required), display_name, description, owners (emails separated by ;), sensitivity (low,
        medium, high, critical), requestable (yes or no), default_template.
      </p>
      <div className="flex gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={!csv.trim() || run.isPending}
          onClick={() => run.mutate({ systemKey, csv, apply: false })}
        >
          Preview
        </Button>
        <Button
          type="button"
          disabled={!result || result.applied || result.problems.length > 0 || changes.length === 0 || run.isPending}
          onClick={() => run.mutate({ systemKey, csv, apply: true })}
        >
          {run.isPending ? "Working…" : `Import ${changes.length || ""} change${changes.length === 1 ? "" : "s"}`}
        </Button>
      </div>
      <Problem message={run.error?.message} />
      {result && result.problems.length > 0 && (
        <ul
          role="alert"
          aria-label="Problems in the file"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {result.problems.map((p) => (
            <li key={`${p.line}:${p.field}`}>
              Line {p.line}, {p.field}: {p.message}
            </li>
          ))}
        </ul>
      )}
      {result && result.problems.length === 0 && (
        <div role="status" className="text-sm">
          <p className="font-medium text-slate-800">
            {result.applied
              ? `Imported: ${changes.length} change${changes.length === 1 ? "" : "s"}.`
              : changes.length
                ? "Preview: nothing is saved until you import."
                : "Nothing to change: the catalog already says this."}
          </p>
          <ul className="mt-1 divide-y divide-slate-100" aria-label="Rows">
            {result.rows.map((r) => (
              <li key={r.key} className="flex items-center justify-between gap-2 py-1">
                <span className="font-mono text-xs">{r.key}</span>
                <Badge tone={r.outcome === "created" ? "green" : r.outcome === "changed" ? "amber" : "neutral"}>
                  {r.outcome === "created" ? "new" : r.outcome}
                </Badge>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
