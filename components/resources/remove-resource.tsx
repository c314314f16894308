"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { inputClasses, Problem } from "@/components/ui/field";

/** Takes a resource out of the catalog after a confirmation with a reason (the audit trail keeps it). */
export function RemoveResource({ resourceKey, onRemoved }: { resourceKey: string; onRemoved?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const remove = useMutation(
    trpc.resources.remove.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
        onRemoved?.();
      },
    }),
  );
  return (
    <>
      <Button type="button" variant="ghost" onClick={() => setOpen(true)} aria-label={`Remove ${resourceKey}`}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        title={`Remove ${resourceKey} from the catalog?`}
        confirmLabel="Remove"
        tone="danger"
        busy={remove.isPending}
        confirmDisabled={reason.trim().length < 3}
        onConfirm={() => remove.mutate({ key: resourceKey, reason })}
        onCancel={() => {
          setOpen(false);
          remove.reset();
        }}
      >
        <label htmlFor={`remove-${resourceKey}`} className="text-xs font-medium text-slate-600">
          Why (kept in the audit trail)
        </label>
        <input
          id={`remove-${resourceKey}`}
          value={reason}
          maxLength={1000}
          onChange={(e) => setReason(e.target.value)}
          className={inputClasses}
        />
        <div className="mt-2">
          <Problem message={remove.error?.message} />
        </div>
      </ConfirmDialog>
    </>
  );
}
