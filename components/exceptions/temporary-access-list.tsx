"use client";

import { formatDay } from "@/components/requests/format";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { remaining, statusText, typeLabel } from "./format";
import { useTimeZone } from "@/components/time/time-zone";

export interface TemporaryAccess {
  id: string;
  number: number;
  resourceKey: string;
  level: string | null;
  type: string;
  status: string;
  references: Record<string, string>;
  justification: string;
  approverName: string | null;
  expiresAt: Date;
  daysRemaining: number;
  msRemaining: number;
  extensionsUsed: number;
  canExtend: boolean;
  extendAt: string | null;
  pendingExtension: { id: string; number: number } | null;
}

/** Seed 000's "You have temporary access": each exception with its countdown, extension and give-back. */
export function TemporaryAccessList({ items }: { items: TemporaryAccess[] }) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [giving, setGiving] = useState<TemporaryAccess | null>(null);
  const giveBack = useMutation(
    trpc.exceptions.giveBack.mutationOptions({
      onSuccess: async () => {
        // My access loads these in the browser; what the server rendered is refreshed too.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.exceptions.mine.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.me.access.queryKey() }),
        ]);
        setGiving(null);
        router.refresh();
      },
    }),
  );
  if (items.length === 0) {
    return (
      <EmptyState title="No temporary access">
        Access outside your role is granted for a while, with an end date.{" "}
        <Link href="/request" className="text-brand-700 underline">
          Ask for access
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="divide-y divide-slate-100" aria-label="Temporary access">
        {items.map((x) => (
          <li key={x.id} className="flex flex-wrap items-start justify-between gap-4 py-3">
            <div className="min-w-0">
              <p className="font-mono text-xs text-slate-900">
                {x.resourceKey}
                {x.level ? ` (${x.level})` : ""}
              </p>
              <p className="mt-1 text-sm text-slate-700">
                <strong>expires in {remaining(x.msRemaining)}</strong> ({formatDay(x.expiresAt, tz)}) ·{" "}
                {typeLabel(x.type)}
                {x.references.project ? `: ${x.references.project}` : ""}
              </p>
              <p className="mt-0.5 text-xs text-slate-500">
                EXC-{x.number} · approved by {x.approverName ?? "a rule"}
                {x.extensionsUsed ? ` · extended ${x.extensionsUsed}×` : ""}
              </p>
              {x.status !== "active" && (
                <Badge tone={statusText[x.status]?.tone ?? "neutral"} className="mt-1">
                  {statusText[x.status]?.label ?? x.status}
                </Badge>
              )}
            </div>
            <div className="flex shrink-0 gap-2">
              {x.pendingExtension ? (
                <Link href={`/requests/${x.pendingExtension.id}`} className={buttonClasses("ghost")}>
                  Extension asked (REQ-{x.pendingExtension.number})
                </Link>
              ) : x.canExtend && x.extendAt ? (
                <Link href={x.extendAt} className={buttonClasses("secondary")}>
                  Request extension
                </Link>
              ) : null}
              <Button variant="ghost" onClick={() => setGiving(x)}>
                Give back…
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={giving !== null}
        title={`Give back ${giving?.resourceKey ?? ""}?`}
        tone="danger"
        confirmLabel="Give it back now"
        busy={giveBack.isPending}
        onCancel={() => setGiving(null)}
        onConfirm={() => giving && giveBack.mutate({ exceptionId: giving.id })}
      >
        The access is removed now instead of on {giving ? formatDay(giving.expiresAt, tz) : ""}. You can ask again
        later.
        {giveBack.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {giveBack.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
