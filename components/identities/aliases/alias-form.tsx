"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";
import { AliasPreviewDialog } from "./alias-preview-dialog";

export interface AliasDraft {
  attribute: string;
  raw: string;
  canonical: string;
}

const input =
  "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500";

/** Adds an alias after its impact preview; `draft` pre-fills it (remount with a new key to pre-fill again). */
export function AliasForm({
  attributes,
  policyValues,
  draft,
  autoFocus,
  onCreated,
}: {
  attributes: readonly string[];
  /** values policies name, offered as the canonical value */
  policyValues: readonly { attribute: string; value: string }[];
  draft: AliasDraft;
  autoFocus: boolean;
  onCreated: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const ids = useId();
  const [attribute, setAttribute] = useState(
    attributes.includes(draft.attribute) ? draft.attribute : (attributes[0] ?? ""),
  );
  const [raw, setRaw] = useState(draft.raw);
  const [canonical, setCanonical] = useState(draft.canonical);
  // What the preview dialog shows and the confirm saves: fixed when the dialog opens.
  const [reviewing, setReviewing] = useState<AliasDraft | null>(null);
  const create = useMutation(
    trpc.aliases.create.mutationOptions({
      onSuccess: async () => {
        setReviewing(null);
        setRaw("");
        setCanonical("");
        await onCreated();
      },
    }),
  );
  const badField = create.error?.data?.field;
  const suggestions = policyValues.filter((v) => v.attribute === attribute);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.reset();
    setReviewing({ attribute, raw, canonical });
  };
  return (
    <>
      <form onSubmit={onSubmit} className="grid gap-3" aria-label="Add an alias">
        <div className="grid gap-3 sm:grid-cols-[12rem_minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end">
          <div>
            <label htmlFor={`${ids}-attribute`} className="text-xs font-medium text-slate-600">
              Attribute
            </label>
            <select
              id={`${ids}-attribute`}
              value={attribute}
              onChange={(e) => setAttribute(e.target.value)}
              className={input}
              aria-invalid={badField === "attribute"}
            >
              {attributes.map((a) => (
                <option key={a} value={a}>
                  {hrAttributeLabels[a as HrAttribute] ?? a}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${ids}-raw`} className="text-xs font-medium text-slate-600">
              As HR spells it
            </label>
            <input
              id={`${ids}-raw`}
              value={raw}
              onChange={(e) => setRaw(e.target.value)}
              placeholder="Sales Dept"
              className={input}
              aria-invalid={badField === "raw"}
              autoFocus={autoFocus && !draft.raw}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-canonical`} className="text-xs font-medium text-slate-600">
              Means (the value policies use)
            </label>
            <input
              id={`${ids}-canonical`}
              value={canonical}
              onChange={(e) => setCanonical(e.target.value)}
              list={`${ids}-suggestions`}
              placeholder={suggestions[0]?.value ?? "Sales"}
              className={input}
              aria-invalid={badField === "canonical"}
              autoFocus={autoFocus && Boolean(draft.raw)}
            />
            <datalist id={`${ids}-suggestions`}>
              {suggestions.map((s) => (
                <option key={s.value} value={s.value} />
              ))}
            </datalist>
          </div>
          <Button type="submit" disabled={!raw.trim() || !canonical.trim() || create.isPending}>
            Add alias…
          </Button>
        </div>
        {create.isSuccess && (
          <p role="status" className="text-sm text-emerald-700">
            {hrAttributeLabels[create.data.attribute as HrAttribute] ?? create.data.attribute} “{create.data.raw}” now
            means “{create.data.canonical}” for every policy.
          </p>
        )}
      </form>
      <AliasPreviewDialog
        draft={reviewing}
        busy={create.isPending}
        error={create.isError ? create.error.message : null}
        onConfirm={() => reviewing && create.mutate(reviewing)}
        onCancel={() => setReviewing(null)}
      />
    </>
  );
}
