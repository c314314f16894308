"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Button, buttonClasses } from "@/components/ui/button";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";

/** For exports too large to wait for: the worker writes the file and this shows its progress. */
export function BackgroundExport({ kind, filters }: { kind: ReportKind; filters: ReportFilters }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.reports.startExport.mutationOptions());
  const id = start.data?.id;
  const status = useQuery({
    ...trpc.reports.exportStatus.queryOptions({ id: id ?? "00000000-0000-4000-8000-000000000000" }),
    enabled: Boolean(id),
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === "done" || q.state.data.status === "failed") ? false : 1000,
  });
  const s = status.data;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
      <Button
        variant="ghost"
        disabled={start.isPending || (Boolean(id) && s?.status !== "done" && s?.status !== "failed")}
        onClick={() => start.mutate({ kind, format: "csv", filters })}
      >
        Prepare a large CSV in the background
      </Button>
      {start.isError && (
        <span role="alert" className="text-red-700">
          {start.error.message}
        </span>
      )}
      {id && s && s.status !== "done" && s.status !== "failed" && (
        <span className="flex items-center gap-2">
          <progress max={100} value={s.percent ?? undefined} aria-label="Export progress" className="h-2 w-40" />
          {s.rows.toLocaleString("en-US")} rows{s.totalRows ? ` of ${s.totalRows.toLocaleString("en-US")}` : ""}
        </span>
      )}
      {s?.status === "done" && (
        // POSTed: only the person who started the export may download it, and each download is recorded.
        <form method="post" action={`/api/reports/exports/${s.id}`}>
          <button type="submit" className={buttonClasses("secondary")}>
            Download ({s.rows.toLocaleString("en-US")} rows, {(s.bytes / 1048576).toFixed(1)} MB)
          </button>
        </form>
      )}
      {s?.status === "failed" && (
        <span role="alert" className="text-red-700">
          The export failed: {s.error}
        </span>
      )}
    </div>
  );
}
