"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CsvSource, csvTextOf, emptyCsvSource, type CsvSourceValue } from "@/components/ui/csv-source";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { importLimits } from "@/server/core/identity/import-table";
import { ImportIgnored } from "./import-ignored";
import { ImportChanges, ImportCounts, ImportProblems, ImportUnknownValues } from "./import-preview";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kilobytes = (chars: number) => `${Math.max(1, Math.round(chars / 1024)).toLocaleString("en")} KB`;

/** Choose or paste a CSV, preview every change it makes, then apply exactly that. */
export function IdentityImport() {
  const trpc = useTRPC();
  const [source, setSource] = useState<CsvSourceValue>(emptyCsvSource);
  /** the text the preview on screen is of */
  const [previewed, setPreviewed] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const csv = csvTextOf(source);

  const preview = useQuery({
    ...trpc.identities.previewImport.queryOptions({ csv: previewed ?? "" }),
    enabled: previewed !== null,
    // What was reviewed stays on screen until asked again; apply checks it is still true.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const apply = useMutation(
    trpc.identities.applyImport.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        setPreviewed(null);
        setSource(emptyCsvSource);
      },
    }),
  );

  const runPreview = () => {
    apply.reset();
    if (previewed === csv) void preview.refetch();
    else setPreviewed(csv);
  };

  const data = preview.data;
  const stale = previewed !== null && previewed !== csv;
  const toApply = data ? data.counts.new + data.counts.changed : 0;
  const canApply = Boolean(data) && !stale && !preview.isFetching && data!.counts.errors === 0 && toApply > 0;

  return (
    <div className="grid gap-6">
      {apply.isSuccess && (
        <Alert tone="green" title="Import applied">
          {plural(apply.data.created, "person", "people")} added, {plural(apply.data.changed, "person", "people")}{" "}
          changed, {plural(apply.data.plans, "access plan")} created.{" "}
          <Link href="/identities" className="font-medium underline">
            Go to identities
          </Link>
        </Alert>
      )}
      <Card
        title="File"
        description={`A header row, then one person per row; at most ${importLimits.rows.toLocaleString("en")} rows and ${megabytes(importLimits.bytes)}.`}
      >
        <div className="grid gap-4">
          <CsvSource
            id="import"
            value={source}
            onChange={setSource}
            maxBytes={importLimits.bytes}
            tooLargeHint={(limit) => `an import takes at most ${limit}. Split the file.`}
            placeholder={
              "external_id,email,department,job_title\nsarah.chen,sarah.chen@company.com,Sales,Senior Sales Engineer"
            }
            rows={6}
            fieldClassName={"mt-1 w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"}
            describeFile={(f) => kilobytes(f.text.length)}
          />
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={runPreview} disabled={!csv.trim() || preview.isFetching}>
              {preview.isFetching ? "Previewing…" : "Preview"}
            </Button>
            {stale && (
              <span className="text-sm text-amber-800">
                The file changed since this preview: preview again before applying.
              </span>
            )}
          </div>
        </div>
      </Card>

      {preview.isFetching && !data && (
        <div aria-busy="true" aria-label="Previewing">
          <Skeleton className="h-24" />
        </div>
      )}
      {preview.isError && <Alert title="The file could not be previewed">{preview.error.message}</Alert>}
      {data && (
        <section aria-label="Preview" className={preview.isFetching ? "grid gap-6 opacity-60" : "grid gap-6"}>
          <ImportCounts counts={data.counts} />
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={() => setConfirming(true)} disabled={!canApply}>
              Apply {plural(toApply, "change")}
            </Button>
            <span className="text-sm text-slate-600">
              {data.counts.errors > 0
                ? "Fix the errors before applying."
                : toApply === 0
                  ? "Everyone in the file is already as it says: nothing to apply."
                  : "Each change is recorded in the person's history (source csv) and their access is re-evaluated."}
            </span>
          </div>
          <ImportProblems problems={data.problems} />
          <ImportUnknownValues values={data.unknownValues} />
          <ImportIgnored rows={data.ignored} />
          <ImportChanges key={data.fingerprint} changes={data.changes} />
        </section>
      )}

      <ConfirmDialog
        open={confirming}
        title={`Apply ${plural(toApply, "change")}?`}
        confirmLabel="Apply"
        busy={apply.isPending}
        onCancel={() => {
          setConfirming(false);
          apply.reset();
        }}
        onConfirm={() => data && previewed !== null && apply.mutate({ csv: previewed, fingerprint: data.fingerprint })}
      >
        <p>
          {plural(data?.counts.new ?? 0, "new person", "new people")} and{" "}
          {plural(data?.counts.changed ?? 0, "changed person", "changed people")}, all at once: if one change fails,
          none is applied. Access plans follow from the new attributes.
        </p>
        {apply.isError && (
          <p role="alert" className="mt-2 text-red-700">
            {apply.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
