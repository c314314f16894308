"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";
import type { AliasDraft } from "./alias-form";
import { LooksLike, type Suggestion } from "./looks-like";

interface Report {
  unknownValues: ({ attribute: string; value: string; people: number } & Suggestion)[];
  unusedPolicyValues: { attribute: string; value: string }[];
}

const th = "px-3 py-2 font-medium";
const label = (attribute: string) => hrAttributeLabels[attribute as HrAttribute] ?? attribute;

/** HR values policies cannot match, each one click from an alias; and policy values nobody has. */
export function AliasValueReport({
  report,
  aliasable,
  onAddAlias,
}: {
  report: Report;
  aliasable: readonly string[];
  onAddAlias: (draft: AliasDraft) => void;
}) {
  const [all, setAll] = useState(false);
  // Values with evidence of a misspelling come first; the others are often just values no policy
  // cares about, so they wait behind a button.
  const likely = report.unknownValues.filter((u) => u.looksLike !== null);
  const shown = all || likely.length === 0 ? report.unknownValues : likely;
  const hidden = report.unknownValues.length - shown.length;
  return (
    <div className="grid gap-6">
      {report.unknownValues.length === 0 ? (
        <p className="text-sm text-emerald-700">Every HR value policies match on is one they name or an alias maps.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="HR values no policy or alias knows">
            <thead>
              <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className={th}>
                  Attribute
                </th>
                <th scope="col" className={th}>
                  HR value
                </th>
                <th scope="col" className={th}>
                  Likely meant (evidence)
                </th>
                <th scope="col" className={`${th} text-right`}>
                  People
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((u) => (
                <tr key={`${u.attribute}:${u.value}`} className="hover:bg-slate-50">
                  <td className="px-3 py-2">{label(u.attribute)}</td>
                  <td className="px-3 py-2">{u.value}</td>
                  <td className="max-w-md px-3 py-2">
                    <LooksLike s={u} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{u.people}</td>
                  <td className="px-3 py-2 text-right">
                    {aliasable.includes(u.attribute) && (
                      <Button
                        variant="secondary"
                        className="px-2 py-1 text-xs"
                        aria-label={`Add alias for ${u.value}…`}
                        onClick={() =>
                          onAddAlias({ attribute: u.attribute, raw: u.value, canonical: u.looksLike ?? "" })
                        }
                      >
                        Add alias…
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hidden > 0 && (
            <Button variant="secondary" className="mt-3" onClick={() => setAll(true)}>
              Show {hidden} more value{hidden === 1 ? "" : "s"} with no evidence of a misspelling
            </Button>
          )}
        </div>
      )}
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Values policies use that nobody has</h3>
        <p className="mt-0.5 text-sm text-slate-500">
          A condition on one of these matches no one today: a spelling to check in the policy, or an alias missing.
        </p>
        {report.unusedPolicyValues.length === 0 ? (
          <p className="mt-2 text-sm text-emerald-700">Every value policies name is held by someone.</p>
        ) : (
          <ul className="mt-2 flex flex-wrap gap-2 text-sm" aria-label="Values policies use that nobody has">
            {report.unusedPolicyValues.map((v) => (
              <li
                key={`${v.attribute}:${v.value}`}
                className="rounded-md border border-amber-200 bg-amber-50 px-2 py-1 text-amber-900"
              >
                <span className="text-xs text-amber-700">{label(v.attribute)}:</span> {v.value}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
