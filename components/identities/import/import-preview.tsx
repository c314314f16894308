"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { LooksLike, type Suggestion } from "@/components/identities/aliases/looks-like";
import { cn } from "@/components/ui/cn";
import type { AttributeChange } from "@/server/core/identity/attributes";
import { hrAttributeLabels } from "@/server/core/identity/attributes";
import type { ImportProblem } from "@/server/core/identity/import-table";
import { formatAttribute } from "../attribute-format";

export interface PreviewData {
  counts: { new: number; changed: number; unchanged: number; errors: number };
  changes: {
    row: number;
    kind: "new" | "changed";
    person: { id: string | null; externalId: string; email: string; displayName: string };
    changes: AttributeChange[];
  }[];
  problems: ImportProblem[];
  unknownValues: ({ attribute: string; value: string; people: number } & Suggestion)[];
}

// Enough to read through; the rest on request, so a 10,000-row file does not freeze the page.
const FIRST_PEOPLE = 200;
const th = "px-3 py-2 font-medium";

function Count({ label, value, tone }: { label: string; value: number; tone: string }) {
  return (
    <div className={cn("rounded-md border px-4 py-3", tone)}>
      <dt className="text-xs font-medium tracking-wide uppercase">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value.toLocaleString("en")}</dd>
    </div>
  );
}

export function ImportCounts({ counts }: { counts: PreviewData["counts"] }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="What the import would do">
      <Count label="New people" value={counts.new} tone="border-emerald-200 bg-emerald-50 text-emerald-800" />
      <Count label="Changed" value={counts.changed} tone="border-brand-100 bg-brand-50 text-brand-700" />
      <Count label="Unchanged" value={counts.unchanged} tone="border-slate-200 bg-slate-50 text-slate-700" />
      <Count
        label="Errors"
        value={counts.errors}
        tone={counts.errors ? "border-red-200 bg-red-50 text-red-800" : "border-slate-200 bg-slate-50 text-slate-700"}
      />
    </dl>
  );
}

export function ImportProblems({ problems }: { problems: ImportProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Card
      title={`Errors (${problems.length})`}
      description="Nothing is applied while the file has errors. Fix them in the file, then preview again."
    >
      <div className="max-h-96 overflow-auto">
        <table className="w-full text-left text-sm" aria-label="Errors in the file">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className={th}>
                Row
              </th>
              <th scope="col" className={th}>
                Column
              </th>
              <th scope="col" className={th}>
                Problem
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {problems.map((p, i) => (
              <tr key={i}>
                <td className="px-3 py-1.5 tabular-nums">{p.row}</td>
                <td className="px-3 py-1.5 font-mono text-xs">{p.column ?? "—"}</td>
                <td className="px-3 py-1.5 text-red-800">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function ImportUnknownValues({ values }: { values: PreviewData["unknownValues"] }) {
  if (values.length === 0) return null;
  return (
    <Card
      title="Values no policy or alias knows"
      description="People with these values would miss access policies give to the value they mean. Add an alias first, then preview again."
    >
      <table className="w-full text-left text-sm" aria-label="Values no policy or alias knows">
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className={th}>
              Attribute
            </th>
            <th scope="col" className={th}>
              Value
            </th>
            <th scope="col" className={th}>
              Likely meant (evidence)
            </th>
            <th scope="col" className={cn(th, "text-right")}>
              People in the file
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {values.map((u) => (
            <tr key={`${u.attribute}:${u.value}`}>
              <td className="px-3 py-1.5 font-mono text-xs">{u.attribute}</td>
              <td className="px-3 py-1.5">{u.value}</td>
              <td className="px-3 py-1.5">
                <LooksLike s={u} />
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{u.people}</td>
              <td className="px-3 py-1.5 text-right">
                <Link
                  href={`/identities/aliases?${new URLSearchParams({ attribute: u.attribute, raw: u.value, canonical: u.looksLike ?? "" })}`}
                  target="_blank"
                  className="text-sm font-medium text-brand-700 hover:underline"
                >
                  Add alias…<span className="sr-only"> for {u.value} (opens in a new tab)</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export function ImportChanges({ changes }: { changes: PreviewData["changes"] }) {
  const [all, setAll] = useState(false);
  if (changes.length === 0) return null;
  const shown = all ? changes : changes.slice(0, FIRST_PEOPLE);
  return (
    <Card
      title="Changes"
      description="Every attribute the import sets, person by person. Empty cells in the file clear a value."
    >
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Changes the import would make">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className={th}>
                Row
              </th>
              <th scope="col" className={th}>
                Person
              </th>
              <th scope="col" className={th}>
                Attribute
              </th>
              <th scope="col" className={th}>
                Now
              </th>
              <th scope="col" className={th}>
                <span aria-hidden>→ </span>After import
              </th>
            </tr>
          </thead>
          {shown.map((c) => (
            <tbody key={c.row} className="border-b border-slate-100">
              {c.changes.map((change, i) => (
                <tr key={change.attribute} className="align-top">
                  {i === 0 && (
                    <>
                      <td rowSpan={c.changes.length} className="px-3 py-1.5 text-slate-500 tabular-nums">
                        {c.row}
                      </td>
                      <th scope="rowgroup" rowSpan={c.changes.length} className="px-3 py-1.5 text-left font-normal">
                        {c.person.id ? (
                          <Link
                            href={`/identities/${c.person.id}`}
                            className="font-medium text-brand-700 hover:underline"
                          >
                            {c.person.displayName}
                          </Link>
                        ) : (
                          <span className="font-medium">{c.person.displayName}</span>
                        )}{" "}
                        {c.kind === "new" && <Badge tone="green">new</Badge>}
                        <div className="text-xs text-slate-500">{c.person.email}</div>
                      </th>
                    </>
                  )}
                  <td className="px-3 py-1.5">{hrAttributeLabels[change.attribute]}</td>
                  <td className="px-3 py-1.5 text-slate-500">{formatAttribute(change.oldValue)}</td>
                  <td className="px-3 py-1.5 font-medium">{formatAttribute(change.newValue)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
      {changes.length > shown.length && (
        <Button variant="secondary" className="mt-3" onClick={() => setAll(true)}>
          Show all {changes.length.toLocaleString("en")} people
        </Button>
      )}
    </Card>
  );
}
