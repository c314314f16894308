"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Revoke one exception early, with a reason (IT or the resource's owner). */
export function RevokeException({ exceptionId, number }: { exceptionId: string; number: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const revoke = useMutation(
    trpc.exceptions.revoke.mutationOptions({
      onSuccess: async () => {
        // My access lists what its owner may revoke from a query in the browser.
        await queryClient.invalidateQueries({ queryKey: trpc.exceptions.onMyResources.queryKey() });
        setOpen(false);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Revoke…
      </Button>
      <ConfirmDialog
        open={open}
        title={`Revoke EXC-${number}?`}
        tone="danger"
        confirmLabel="Revoke now"
        busy={revoke.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => revoke.mutate({ exceptionId, reason })}
      >
        <p>The access is removed through the system now, and the holder is told why.</p>
        <label htmlFor="revoke-one-reason" className="mt-3 block text-sm font-medium text-slate-800">
          Reason (required)
        </label>
        <textarea
          id="revoke-one-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {revoke.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {revoke.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
