"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

interface Source {
  key: string;
  name: string;
  /** a revoked source takes nobody, but its people may be given to another */
  revoked: boolean;
}

const NO_SOURCE = "";
const ALL = "";
const selectClasses = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/**
 * Gives a source the people it should take over, e.g. everyone no source manages when an identity
 * provider is connected over the existing directory (Okta and Entra ID match existing users by
 * userName, and see only their source's people). Shows who the selection holds before anything
 * changes; the handover is refused if the selection changed since.
 */
export function BulkHandover({ sources, departments }: { sources: Source[]; departments: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const live = sources.filter((s) => !s.revoked);
  const [toSource, setToSource] = useState(live[0]?.key ?? "");
  const [fromSource, setFromSource] = useState(NO_SOURCE);
  const [department, setDepartment] = useState(ALL);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const selection = {
    toSource,
    fromSource: fromSource === NO_SOURCE ? null : fromSource,
    department: department === ALL ? null : department,
  };
  const sameSource = selection.fromSource === toSource;
  const preview = useQuery({
    ...trpc.hr.previewHandover.queryOptions(selection),
    enabled: Boolean(toSource) && !sameSource,
    placeholderData: keepPreviousData,
  });
  const handOver = useMutation(
    trpc.hr.handOverPeople.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        setReason("");
        void preview.refetch();
        router.refresh();
      },
    }),
  );
  if (live.length === 0) return <p className="text-sm text-slate-500">Add an HR source first.</p>;
  const toName = sources.find((s) => s.key === toSource)?.name ?? toSource;
  const fromLabel = selection.fromSource
    ? `managed by ${sources.find((s) => s.key === selection.fromSource)?.name ?? selection.fromSource}`
    : "without a source";
  const n = preview.data?.count ?? 0;
  const people = `${n} ${n === 1 ? "person" : "people"}`;
  return (
    <div className="grid gap-3 text-sm">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600">
          Give to
          <select value={toSource} onChange={(e) => setToSource(e.target.value)} className={selectClasses}>
            {live.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name} ({s.key})
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          The people managed by
          <select value={fromSource} onChange={(e) => setFromSource(e.target.value)} className={selectClasses}>
            <option value={NO_SOURCE}>no source</option>
            {sources.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name} ({s.key})
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          In department
          <select value={department} onChange={(e) => setDepartment(e.target.value)} className={selectClasses}>
            <option value={ALL}>every department</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <Button onClick={() => setOpen(true)} disabled={sameSource || !preview.data || n === 0 || preview.isFetching}>
          Hand over…
        </Button>
      </div>
      <div aria-live="polite">
        {sameSource ? (
          <p className="text-slate-600">{toName} already manages these people: choose people it does not manage.</p>
        ) : preview.isPending || preview.isPlaceholderData ? (
          // a previous selection's count under this selection's words would be a false statement
          <p className="text-slate-500">Counting…</p>
        ) : preview.isError ? (
          <p role="alert" className="text-red-700">
            {preview.error.message}
          </p>
        ) : n === 0 ? (
          <p className="text-slate-600">
            Nobody {fromLabel}
            {selection.department ? ` in ${selection.department}` : ""}.
          </p>
        ) : (
          <p className="text-slate-700">
            <b>{people}</b> {fromLabel}
            {selection.department ? ` in ${selection.department}` : ""}, e.g.{" "}
            {preview
              .data!.sample.slice(0, 5)
              .map((p) => p.displayName)
              .join(", ")}
            {n > 5 ? ", …" : "."}
          </p>
        )}
      </div>
      {handOver.isSuccess && (
        <p role="status" className="text-emerald-800">
          {handOver.data.handedOver} {handOver.data.handedOver === 1 ? "person is" : "people are"} now managed by{" "}
          {sources.find((s) => s.key === handOver.data.toSource)?.name ?? handOver.data.toSource}.
        </p>
      )}
      <ConfirmDialog
        open={open}
        title={`Give ${toName} ${people}?`}
        confirmLabel={`Hand over ${people}`}
        busy={handOver.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => handOver.mutate({ ...selection, reason, expectedCount: n })}
      >
        <p>
          {toName}&apos;s token will read and change the {people} {fromLabel}
          {selection.department ? ` in ${selection.department}` : ""}
          {selection.fromSource ? "; their current source loses them" : ""}. Each person&apos;s audit trail records the
          handover and your reason.
        </p>
        <label htmlFor="bulk-handover-reason" className="mt-3 block text-sm font-medium text-slate-800">
          Reason (required)
        </label>
        <textarea
          id="bulk-handover-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {handOver.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {handOver.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
