"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { BackgroundExport } from "./background-export";
import { ReportTable } from "./report-table";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";
import { wallClockIn, wallClockValue } from "@/server/core/time";
import { useTimeZone } from "@/components/time/time-zone";

const tabs: { kind: ReportKind; label: string; help: string }[] = [
  {
    kind: "access-as-of",
    label: "Access as of",
    help: "Who had what at a moment, and why: the policy version active then on the HR attributes of then, plus the exceptions that counted then.",
  },
  {
    kind: "exceptions",
    label: "Exception log",
    help: "Every exception: who, what, why, who approved, when it expires or ended.",
  },
  {
    kind: "approvals",
    label: "Approvals",
    help: "Every decision: approver, time to decide, stage, and the separation-of-duties check.",
  },
  {
    kind: "leavers",
    label: "Leavers",
    help: "Each termination: the temporary access held then, how long until all of it was removed, and anything still open.",
  },
  {
    kind: "policy-changes",
    label: "Policy changes",
    help: "Every policy version: author, message, who approved it, the files it changed and its measured impact.",
  },
  {
    kind: "requests",
    label: "Request history",
    help: "Every request, whatever became of it, also after the access expired.",
  },
  {
    kind: "audit-events",
    label: "Audit trail",
    help: "The append-only event log, with each event's hash and the hash before it.",
  },
];

const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm";
const EXPORT_FORM = "report-export";

/** A report on screen (its first 200 rows) with filters, and exports of all of it as CSV or JSON. */
export function ReportView({ systems, departments }: { systems: string[]; departments: string[] }) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const [kind, setKind] = useState<ReportKind>("access-as-of");
  const [draft, setDraft] = useState<ReportFilters>({});
  const [filters, setFilters] = useState<ReportFilters>({});
  const preview = useQuery(
    trpc.reports.preview.queryOptions({ kind, filters, limit: 100 }, { placeholderData: keepPreviousData }),
  );
  const applied = Object.entries(filters).filter(([, v]) => v) as [string, string][];
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as ReportFilters);
  };
  const tab = tabs.find((t) => t.kind === kind)!;
  return (
    <div className="grid grid-cols-1 gap-4">
      <div role="tablist" aria-label="Reports" className="flex flex-wrap gap-1 border-b border-slate-200">
        {tabs.map((t) => (
          <button
            key={t.kind}
            role="tab"
            aria-selected={t.kind === kind}
            onClick={() => setKind(t.kind)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${t.kind === kind ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <p className="text-sm text-slate-600">{tab.help}</p>
      <form
        onSubmit={apply}
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
        aria-label="Filters"
      >
        {kind === "access-as-of" && (
          <label className="text-xs font-medium text-slate-600">
            As of ({tz} time)
            <input
              type="datetime-local"
              value={draft.at ? wallClockValue(new Date(draft.at), tz) : ""}
              onChange={(e) =>
                setDraft({ ...draft, at: e.target.value ? wallClockIn(e.target.value, tz).toISOString() : undefined })
              }
              className={input}
            />
          </label>
        )}
        <label className="text-xs font-medium text-slate-600">
          From
          <input
            type="date"
            value={draft.from ?? ""}
            onChange={(e) => setDraft({ ...draft, from: e.target.value || undefined })}
            className={input}
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          To
          <input
            type="date"
            value={draft.to ?? ""}
            onChange={(e) => setDraft({ ...draft, to: e.target.value || undefined })}
            className={input}
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          System
          <select
            value={draft.system ?? ""}
            onChange={(e) => setDraft({ ...draft, system: e.target.value || undefined })}
            className={input}
          >
            <option value="">All systems</option>
            {systems.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          Department
          <select
            value={draft.department ?? ""}
            onChange={(e) => setDraft({ ...draft, department: e.target.value || undefined })}
            className={input}
          >
            <option value="">All departments</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          Person
          <input
            type="search"
            value={draft.person ?? ""}
            onChange={(e) => setDraft({ ...draft, person: e.target.value || undefined })}
            placeholder="name or email"
            className={input}
          />
        </label>
        <button type="submit" className={buttonClasses("secondary")}>
          Apply
        </button>
        {!preview.data?.background && (
          <div className="ml-auto flex gap-2">
            {/* Buttons of the export form below (forms cannot nest): the browser POSTs it and downloads the answer. */}
            <button type="submit" form={EXPORT_FORM} name="format" value="csv" className={buttonClasses("primary")}>
              Export CSV
            </button>
            <button type="submit" form={EXPORT_FORM} name="format" value="json" className={buttonClasses("secondary")}>
              Export JSON
            </button>
            <button type="submit" form={EXPORT_FORM} name="format" value="pdf" className={buttonClasses("secondary")}>
              Export PDF
            </button>
          </div>
        )}
      </form>
      {/* Exports are POSTed (never a plain link another site could trigger), with the applied filters. */}
      <form id={EXPORT_FORM} method="post" action={`/api/reports/${kind}`} hidden>
        {applied.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
      </form>
      {preview.data?.background && (
        <p className="text-sm text-slate-700">
          This report has more than {preview.data.backgroundAbove.toLocaleString("en-US")} rows: it is prepared in the
          background, with its progress shown here, and downloaded when ready.
        </p>
      )}
      {kind !== "access-as-of" && (
        <BackgroundExport key={`${kind}-${JSON.stringify(filters)}`} kind={kind} filters={filters} />
      )}
      {preview.isPending ? (
        <p aria-busy="true" className="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-500">
          Loading the report…
        </p>
      ) : preview.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {preview.error.message}
        </p>
      ) : preview.data.rows.length === 0 ? (
        <EmptyState title="Nothing in this report for these filters">
          Widen the date range or clear a filter.
        </EmptyState>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <ReportTable label={tab.label} columns={preview.data.columns} rows={preview.data.rows} />
          <p className="px-3 py-2 text-xs text-slate-500">
            {preview.data.more
              ? "The first 100 rows; the export holds all of them."
              : `${preview.data.rows.length} row${preview.data.rows.length === 1 ? "" : "s"}.`}
          </p>
        </div>
      )}
    </div>
  );
}
