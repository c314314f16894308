"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { formatWhen } from "@/components/requests/format";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CsvSource, csvTextOf, emptyCsvSource, type CsvSourceValue } from "@/components/ui/csv-source";
import { describeCsvRows } from "@/components/ui/csv-rows";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { snapshotLimits } from "@/server/core/migration/snapshot-file";
import { plural, type MigrationOutputs } from "./format";
import { SnapshotPreview } from "./snapshot-preview";
import { useTimeZone } from "@/components/time/time-zone";

const field = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";

/** Each system's snapshot so far, and the form that replaces one: choose, preview, confirm. */
export function SnapshotImport() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const systems = useQuery(trpc.migration.systems.queryOptions());
  const [systemKey, setSystemKey] = useState("");
  const [source, setSource] = useState<CsvSourceValue>(emptyCsvSource);
  /** the system and text the preview on screen is of */
  const [previewed, setPreviewed] = useState<{ systemKey: string; csv: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const csv = csvTextOf(source);

  const preview = useQuery({
    ...trpc.migration.previewSnapshot.queryOptions(previewed ?? { systemKey: "", csv: "" }),
    enabled: previewed !== null,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const importing = useMutation(
    trpc.migration.importSnapshot.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        setPreviewed(null);
        setSource(emptyCsvSource);
        // Patterns and coverage are computed from the snapshot: all of them change (the preview just imported does not).
        const m = trpc.migration;
        await Promise.all([
          queryClient.invalidateQueries(m.systems.queryFilter()),
          queryClient.invalidateQueries(m.patternGroups.queryFilter()),
          queryClient.invalidateQueries(m.pattern.queryFilter()),
          queryClient.invalidateQueries(m.coverage.queryFilter()),
          queryClient.invalidateQueries(m.unexplained.queryFilter()),
          queryClient.invalidateQueries(m.missing.queryFilter()),
        ]);
      },
    }),
  );

  const runPreview = () => {
    importing.reset();
    const next = { systemKey, csv };
    if (previewed?.systemKey === next.systemKey && previewed.csv === next.csv) void preview.refetch();
    else setPreviewed(next);
  };

  const data = preview.data;
  const stale = previewed !== null && (previewed.systemKey !== systemKey || previewed.csv !== csv);
  const canImport = Boolean(data) && !stale && !preview.isFetching && data!.counts.errors === 0;
  const chosen = systems.data?.find((s) => s.key === systemKey);

  return (
    <div className="grid gap-6">
      {importing.isSuccess && (
        <Alert tone="green" title={`${importing.data.systemName} snapshot imported`}>
          {plural(importing.data.records, "access row")} for {plural(importing.data.accounts, "account")}
          {importing.data.replaced ? ` replaced ${plural(importing.data.replaced, "earlier row")}` : " imported"}.
          Patterns and coverage below are up to date.
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="grid content-start gap-4">
          <div>
            <label htmlFor="snapshot-system" className="text-sm font-medium text-slate-800">
              System
            </label>
            <select
              id="snapshot-system"
              value={systemKey}
              onChange={(e) => setSystemKey(e.target.value)}
              className={field}
            >
              <option value="">Choose the system this export is from</option>
              {systems.data?.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name} ({s.key})
                </option>
              ))}
            </select>
            {chosen && <p className="mt-1 text-xs text-slate-500">Levels, lowest first: {chosen.levels.join(" < ")}</p>}
          </div>
          <CsvSource
            id="snapshot"
            value={source}
            onChange={setSource}
            maxBytes={snapshotLimits.bytes}
            tooLargeHint={(limit) => `a snapshot takes at most ${limit}.`}
            placeholder={"username,resource,level\nsarah.chen,group:customer-solutions,reporter"}
            rows={5}
            fieldClassName={`${field} font-mono text-xs`}
            describeFile={(f) => describeCsvRows(f.text)}
          />
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={runPreview} disabled={!systemKey || !csv.trim() || preview.isFetching}>
              {preview.isFetching ? "Previewing…" : "Preview"}
            </Button>
            {stale && (
              <span className="text-sm text-amber-800">
                The system or file changed since this preview: preview again before importing.
              </span>
            )}
          </div>
        </div>
        <SystemsTable
          rows={systems.data}
          loading={systems.isPending}
          error={systems.isError ? systems.error.message : null}
        />
      </div>

      {preview.isFetching && !data && (
        <div aria-busy="true" aria-label="Previewing">
          <Skeleton className="h-24" />
        </div>
      )}
      {preview.isError && <Alert title="The file could not be previewed">{preview.error.message}</Alert>}
      {data && (
        <section aria-label="Snapshot preview" className={preview.isFetching ? "opacity-60" : undefined}>
          <SnapshotPreview preview={data} />
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <Button onClick={() => setConfirming(true)} disabled={!canImport}>
              Import {plural(data.counts.records, "row")} into {data.system.name}
            </Button>
            <span className="text-sm text-slate-600">
              {data.counts.errors > 0
                ? "Fix the errors before importing: nothing is imported while one remains."
                : data.replaces.rows
                  ? `Replaces the ${plural(data.replaces.rows, "row")} ${data.system.name} has now.`
                  : `The first snapshot of ${data.system.name}.`}
            </span>
          </div>
        </section>
      )}

      <ConfirmDialog
        open={confirming}
        title={`Replace the ${data?.system.name ?? ""} snapshot?`}
        confirmLabel="Import"
        busy={importing.isPending}
        onCancel={() => {
          setConfirming(false);
          importing.reset();
        }}
        onConfirm={() => previewed && importing.mutate(previewed)}
      >
        <p>
          {data?.replaces.rows
            ? `${plural(data.counts.records, "access row")} replace the ${plural(data.replaces.rows, "row")} ` +
              `imported for ${data.system.name}` +
              (data.replaces.importedAt ? ` on ${formatWhen(data.replaces.importedAt, tz)}` : "") +
              "."
            : `${plural(data?.counts.records ?? 0, "access row")} become the ${data?.system.name} snapshot.`}{" "}
          Other systems keep theirs. Nothing changes on the system itself.
        </p>
        {importing.isError && (
          <p role="alert" className="mt-2 text-red-700">
            {importing.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function SystemsTable({
  rows,
  loading,
  error,
}: {
  rows: MigrationOutputs["systems"] | undefined;
  loading: boolean;
  error: string | null;
}) {
  const tz = useTimeZone();
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Snapshot per system</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="px-3 py-2 font-medium">
              System
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Rows
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Imported
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {loading
            ? Array.from({ length: 5 }, (_, i) => (
                <tr key={i} aria-hidden>
                  <td colSpan={3} className="px-3 py-2">
                    <Skeleton className="h-4" />
                  </td>
                </tr>
              ))
            : rows?.map((s) => (
                <tr key={s.key}>
                  <td className="px-3 py-2 font-medium text-slate-800">{s.name}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.rows ? s.rows.toLocaleString("en") : "—"}</td>
                  <td className="px-3 py-2 text-xs text-slate-500">
                    {s.importedAt ? `${formatWhen(s.importedAt, tz)} by ${s.importedBy}` : "not yet"}
                  </td>
                </tr>
              ))}
        </tbody>
      </table>
      {error && (
        <p role="alert" className="px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
