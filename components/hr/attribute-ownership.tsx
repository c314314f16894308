"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";

type Writer = { kind: "source"; key: string } | { kind: "csv" } | { kind: "manual" };

export interface OwnershipRow {
  writer: Writer;
  name: string;
  detail: string;
  /** null: every attribute */
  owned: string[] | null;
}

const label = (a: string) => hrAttributeLabels[a as HrAttribute] ?? a;

/** Each channel that writes people's attributes, and what it is authoritative for. */
export function AttributeOwnership({ rows, attributes }: { rows: OwnershipRow[]; attributes: string[] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Attribute ownership">
      {rows.map((row) => (
        <OwnershipItem
          key={row.writer.kind === "source" ? `source:${row.writer.key}` : row.writer.kind}
          row={row}
          attributes={attributes}
        />
      ))}
    </ul>
  );
}

function OwnershipItem({ row, attributes }: { row: OwnershipRow; attributes: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [all, setAll] = useState(row.owned === null);
  const [chosen, setChosen] = useState<string[]>(row.owned ?? attributes);
  const save = useMutation(
    trpc.hr.setAttributeOwnership.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        router.refresh();
      },
    }),
  );
  const toggle = (a: string) => setChosen((c) => (c.includes(a) ? c.filter((x) => x !== a) : [...c, a]));
  return (
    <li className="py-3" aria-labelledby={headingId}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <b id={headingId}>{row.name}</b>
          <span className="block text-xs text-slate-600">{row.detail}</span>
        </div>
        {!editing && (
          <Button variant="secondary" onClick={() => setEditing(true)} aria-label={`Change what ${row.name} owns`}>
            Change
          </Button>
        )}
      </div>
      {!editing && (
        <p className="mt-1 flex flex-wrap gap-1" data-owned>
          {row.owned === null ? (
            <Badge tone="green">every attribute</Badge>
          ) : row.owned.length === 0 ? (
            <span className="text-slate-600">no attribute: everything it sends is ignored and recorded</span>
          ) : (
            row.owned.map((a) => <Badge key={a}>{label(a)}</Badge>)
          )}
        </p>
      )}
      {editing && (
        <form
          className="mt-2 grid gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ writer: row.writer, attributes: all ? null : (chosen as HrAttribute[]) });
          }}
        >
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
            Every attribute, including ones added later
          </label>
          {!all && (
            <fieldset className="grid grid-cols-2 gap-1 sm:grid-cols-4">
              <legend className="sr-only">Attributes {row.name} owns</legend>
              {attributes.map((a) => (
                <label key={a} className="flex items-center gap-2">
                  <input type="checkbox" checked={chosen.includes(a)} onChange={() => toggle(a)} />
                  {label(a)}
                </label>
              ))}
            </fieldset>
          )}
          <p className="text-xs text-slate-600">
            Applies to its next writes; values already stored stay until someone writes them again.
          </p>
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save"}
            </Button>
            <Button
              type="button"
              variant="secondary"
              onClick={() => {
                // what was saved, not the unsaved ticks, next time
                setAll(row.owned === null);
                setChosen(row.owned ?? attributes);
                setEditing(false);
              }}
            >
              Cancel
            </Button>
          </div>
          {save.isError && (
            <p role="alert" className="text-red-700">
              {save.error.message}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
