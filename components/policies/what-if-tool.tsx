"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { ExpectedAccessList } from "@/components/access/expected-access-list";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { hrAttributeLabels, hrAttributes, isListAttribute, type HrAttribute } from "@/server/core/identity/attributes";
import { PersonPicker, type PickedPerson } from "./person-picker";

type Draft = Partial<Record<HrAttribute, string>>;
const asText = (v: string | string[] | null) => (Array.isArray(v) ? v.join(", ") : (v ?? ""));

/** Change a person's attributes here (nothing is saved) and see the access policy would give them. */
export function WhatIfTool() {
  const trpc = useTRPC();
  const [person, setPerson] = useState<PickedPerson | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const current = useQuery({
    ...trpc.identities.byId.queryOptions({ id: person?.id ?? "" }),
    enabled: Boolean(person),
  });

  const changed = useDeferredValue(draft);
  const attributes = Object.fromEntries(
    Object.entries(changed).map(([k, v]) => [
      k,
      isListAttribute(k)
        ? v!
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean)
        : v,
    ]),
  );
  const result = useQuery({
    ...trpc.policies.whatIf.queryOptions({ identityId: person?.id ?? "", attributes }),
    enabled: Boolean(person),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
      <Card title="Person and attributes" description="Edit any attribute; nothing is saved.">
        <PersonPicker
          value={person}
          onPick={(p) => {
            setPerson(p);
            setDraft({});
          }}
        />
        {current.data && (
          <div className="mt-4 grid gap-3">
            {hrAttributes.map((a) => {
              const original = asText(current.data.attributes[a]);
              const value = draft[a] ?? original;
              return (
                <div key={a}>
                  <label htmlFor={`whatif-${a}`} className="text-xs font-medium text-slate-600">
                    {hrAttributeLabels[a]}
                    {draft[a] !== undefined && draft[a] !== original && (
                      <span className="ml-1 text-amber-700">(changed)</span>
                    )}
                  </label>
                  <input
                    id={`whatif-${a}`}
                    value={value}
                    onChange={(e) => setDraft((d) => ({ ...d, [a]: e.target.value }))}
                    className="mt-0.5 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                  />
                </div>
              );
            })}
          </div>
        )}
      </Card>
      <Card title="What policy would give them">
        {!person ? (
          <p className="text-sm text-slate-500">Pick a person.</p>
        ) : result.isError ? (
          <Alert title="Not a valid attribute value">{result.error.message}</Alert>
        ) : !result.data ? (
          <p className="text-sm text-slate-500">Evaluating…</p>
        ) : (
          <div className="space-y-4">
            <div data-testid="what-if-delta" className="space-y-1 text-sm">
              {result.data.delta.added.length + result.data.delta.removed.length + result.data.delta.changed.length ===
                0 && <p className="text-slate-600">Same access as now.</p>}
              {result.data.delta.added.map((g) => (
                <div key={`+${g.resource}`}>
                  <Badge tone="green">would gain</Badge> {g.resource}
                  {g.level && ` (${g.level})`} <span className="text-slate-500">via {g.via.join(" → ")}</span>
                </div>
              ))}
              {result.data.delta.removed.map((g) => (
                <div key={`-${g.resource}`}>
                  <Badge tone="red">would lose</Badge> {g.resource}
                  {g.level && ` (${g.level})`}
                </div>
              ))}
              {result.data.delta.changed.map((c) => (
                <div key={`~${c.resource}`}>
                  <Badge tone="amber">level</Badge> {c.resource}: {c.from ?? "default"} → {c.to ?? "default"}
                </div>
              ))}
            </div>
            <p className="text-xs text-slate-500">Policies matched: {result.data.matchedWhatIf.join(", ") || "none"}</p>
            <ExpectedAccessList grants={result.data.whatIf} />
          </div>
        )}
      </Card>
    </div>
  );
}
