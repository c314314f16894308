"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";

interface AliasRow {
  id: string;
  attribute: string;
  raw: string;
  canonical: string;
  people: number;
}

const th = "px-3 py-2 font-medium";
const label = (attribute: string) => hrAttributeLabels[attribute as HrAttribute] ?? attribute;

export function AliasesTable({
  aliases,
  onRemoved,
}: {
  aliases: readonly AliasRow[];
  onRemoved: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [removing, setRemoving] = useState<AliasRow | null>(null);
  const remove = useMutation(
    trpc.aliases.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await onRemoved();
      },
    }),
  );
  if (aliases.length === 0)
    return (
      <EmptyState title="No aliases yet">
        HR values are matched as written (ignoring case). Add an alias for a spelling policies should read as another
        value.
      </EmptyState>
    );
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Aliases">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className={th}>
                Attribute
              </th>
              <th scope="col" className={th}>
                As HR spells it
              </th>
              <th scope="col" className={th}>
                Means
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
            {aliases.map((a) => (
              <tr key={a.id} className="hover:bg-slate-50">
                <td className="px-3 py-2">{label(a.attribute)}</td>
                <td className="px-3 py-2">{a.raw}</td>
                <td className="px-3 py-2 font-medium">{a.canonical}</td>
                <td className="px-3 py-2 text-right tabular-nums">{a.people}</td>
                <td className="px-3 py-2 text-right">
                  <Button
                    variant="ghost"
                    className="px-2 py-1 text-xs text-red-700"
                    aria-label={`Remove the alias ${a.raw}…`}
                    onClick={() => {
                      remove.reset();
                      setRemoving(a);
                    }}
                  >
                    Remove…
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove the alias “${removing?.raw ?? ""}”?`}
        tone="danger"
        confirmLabel="Remove alias"
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
      >
        <p>
          Policies will read {label(removing?.attribute ?? "")} “{removing?.raw}” as written again, not as “
          {removing?.canonical}”.
          {removing &&
            removing.people > 0 &&
            ` ${removing.people} ${removing.people === 1 ? "person has" : "people have"} this value ` +
              `and may lose access policies give to “${removing.canonical}”.`}
        </p>
        {remove.isError && (
          <p role="alert" className="mt-2 text-red-700">
            {remove.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
