"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

interface Source {
  key: string;
  name: string;
}

const NONE = "";

/**
 * Which HR source's token may read and change this person, and IT's control to hand them to
 * another source (or to none), with a reason that goes into the audit trail.
 */
export function ManagingSource({
  identityId,
  displayName,
  managedBy,
  sources,
}: {
  identityId: string;
  displayName: string;
  managedBy: (Source & { revoked: boolean }) | null;
  /** sources that may take people (not revoked) */
  sources: Source[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const choices = sources.filter((s) => s.key !== managedBy?.key);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<string>(choices[0]?.key ?? NONE);
  const [reason, setReason] = useState("");
  const handOver = useMutation(
    trpc.identities.handOver.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        setReason("");
        router.refresh();
      },
    }),
  );
  const targetName = target === NONE ? "no source" : (sources.find((s) => s.key === target)?.name ?? target);
  const canChoose = choices.length > 0 || managedBy !== null;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p>
        {managedBy ? (
          <>
            Managed by <b>{managedBy.name}</b> <span className="font-mono text-xs text-slate-500">{managedBy.key}</span>
            {managedBy.revoked && (
              <span className="ml-2">
                <Badge tone="red">token revoked</Badge>
              </span>
            )}
            <span className="block text-slate-500">
              Only this source&apos;s token may read and change {displayName} over HR events and SCIM.
            </span>
          </>
        ) : (
          <>
            Managed by <b>no source</b>
            <span className="block text-slate-500">
              No HR or SCIM token may read or change {displayName}; IT and CSV imports still can.
            </span>
          </>
        )}
      </p>
      {canChoose && (
        <Button
          variant="secondary"
          onClick={() => {
            setTarget(choices[0]?.key ?? NONE);
            setOpen(true);
          }}
        >
          Hand over…
        </Button>
      )}
      <ConfirmDialog
        open={open}
        title={`Hand ${displayName} over to ${targetName}?`}
        confirmLabel="Hand over"
        busy={handOver.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => handOver.mutate({ identityId, toSource: target === NONE ? null : target, reason })}
      >
        <p>
          {managedBy ? `${managedBy.name}'s token stops reaching ${displayName} at once; ` : ""}
          {target === NONE ? "no token will reach them." : `${targetName}'s token reads and changes them from now on.`}
        </p>
        <label htmlFor="handover-target" className="mt-3 block text-sm font-medium text-slate-800">
          New source
        </label>
        <select
          id="handover-target"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        >
          {choices.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name} ({s.key})
            </option>
          ))}
          {managedBy && <option value={NONE}>No source</option>}
        </select>
        <label htmlFor="handover-reason" className="mt-3 block text-sm font-medium text-slate-800">
          Reason (required, kept in the audit trail)
        </label>
        <textarea
          id="handover-reason"
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
