"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function CancelRequest({ requestId, number }: { requestId: string; number: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const cancel = useMutation(
    trpc.requests.cancel.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Cancel request…
      </Button>
      <ConfirmDialog
        open={open}
        title={`Cancel REQ-${number}?`}
        tone="danger"
        confirmLabel="Cancel the request"
        busy={cancel.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => cancel.mutate({ requestId })}
      >
        The approvers are told you withdrew it. You can ask again afterwards.
        {cancel.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {cancel.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
