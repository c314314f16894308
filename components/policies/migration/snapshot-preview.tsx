import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { plural, type MigrationOutputs } from "./format";

type Preview = MigrationOutputs["previewSnapshot"];

function Count({
  label,
  value,
  tone = "neutral",
}: {
  label: string;
  value: number;
  tone?: "neutral" | "amber" | "red";
}) {
  const tones = {
    neutral: "text-slate-900",
    amber: value ? "text-amber-800" : "text-slate-900",
    red: value ? "text-red-700" : "text-slate-900",
  };
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${tones[tone]}`}>{value.toLocaleString("en")}</dd>
    </div>
  );
}

/** A finding with its list, folded: the counts say whether to open it. */
function Finding({
  title,
  total,
  listed,
  children,
}: {
  title: string;
  total: number;
  listed: number;
  children: ReactNode;
}) {
  if (total === 0) return null;
  return (
    <details className="rounded-md border border-amber-200 bg-amber-50/50 px-4 py-2 text-sm">
      <summary className="cursor-pointer font-medium text-amber-900">
        {title} ({total.toLocaleString("en")})
      </summary>
      <ul className="mt-2 grid gap-0.5 font-mono text-xs text-slate-700">{children}</ul>
      {total > listed && <p className="mt-1 text-xs text-slate-500">The first {listed} are listed.</p>}
    </details>
  );
}

/** What an import would store, and what to look at first; the errors, if any, by row and column. */
export function SnapshotPreview({ preview }: { preview: Preview }) {
  const c = preview.counts;
  return (
    <div className="grid gap-4">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
        <Count label="Rows read" value={c.dataRows} />
        <Count label="Access rows" value={c.records} />
        <Count label="Accounts" value={c.accounts} />
        <Count label="Resources" value={c.resources} />
        <Count label="Accounts no one has" value={c.unmatchedAccounts} tone="amber" />
        <Count label="Unknown resources" value={c.unknownResources} tone="amber" />
        <Count label="Unknown levels" value={c.unknownLevels} tone="amber" />
        <Count label="Errors" value={c.errors} tone="red" />
      </dl>
      {preview.problems.length > 0 && (
        <Alert title={`${plural(c.errors, "error")}: nothing can be imported until the file is fixed`}>
          <ul className="mt-1 grid gap-0.5">
            {preview.problems.map((p, i) => (
              <li key={i}>
                Row {p.row}
                {p.column ? `, column ${p.column}` : ""}: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {preview.ignoredColumns.length > 0 && (
        <p className="text-sm text-slate-600">Ignored columns: {preview.ignoredColumns.join(", ")}.</p>
      )}
      <div className="grid gap-2">
        <Finding
          title="Accounts no identity has (orphaned accounts, or names that differ from the email)"
          total={c.unmatchedAccounts}
          listed={preview.unmatchedAccounts.length}
        >
          {preview.unmatchedAccounts.map((a) => (
            <li key={a.username}>
              {a.username} · {plural(a.rows, "row")}
            </li>
          ))}
        </Finding>
        <Finding
          title="Resources not in the catalog"
          total={c.unknownResources}
          listed={preview.unknownResources.length}
        >
          {preview.unknownResources.map((r) => (
            <li key={r.value}>
              {r.value} · {plural(r.rows, "row")}, first on row {r.firstRow}
            </li>
          ))}
        </Finding>
        <Finding
          title={`Levels ${preview.system.name} does not have (it has ${preview.system.levels.join(", ")})`}
          total={c.unknownLevels}
          listed={preview.unknownLevels.length}
        >
          {preview.unknownLevels.map((l) => (
            <li key={l.value}>
              {l.value} · {plural(l.rows, "row")}, first on row {l.firstRow}
            </li>
          ))}
        </Finding>
        <Finding
          title="Duplicate rows (merged, the higher level kept)"
          total={c.duplicates}
          listed={preview.duplicates.length}
        >
          {preview.duplicates.map((d) => (
            <li key={`${d.username} ${d.resource}`}>
              rows {d.rows.join(", ")}: {d.username} {d.resource}
              {d.keptLevel ? ` (${d.keptLevel})` : ""}
            </li>
          ))}
        </Finding>
      </div>
    </div>
  );
}
