"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Approve a held plan (its steps run now) or reject it with a reason (they are cancelled). */
export function PlanReviewActions({ planId, label }: { planId: string; label: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirm, setConfirm] = useState<"approve" | "reject" | null>(null);
  const [note, setNote] = useState("");
  const review = useMutation(
    trpc.lifecycle.review.mutationOptions({
      onSuccess: () => {
        setConfirm(null);
        setNote("");
        router.refresh();
      },
    }),
  );
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <Button onClick={() => setConfirm("approve")}>Approve</Button>
        <Button variant="secondary" onClick={() => setConfirm("reject")}>
          Reject…
        </Button>
      </div>
      <ConfirmDialog
        open={confirm !== null}
        title={confirm === "approve" ? `Approve ${label}?` : `Reject ${label}?`}
        confirmLabel={confirm === "approve" ? "Approve and run" : "Reject"}
        tone={confirm === "reject" ? "danger" : "primary"}
        busy={review.isPending}
        onCancel={() => {
          setConfirm(null);
          review.reset();
        }}
        onConfirm={() => review.mutate({ planId, decision: confirm!, note: note || undefined })}
      >
        <p>
          {confirm === "approve"
            ? "The held steps run now; removals start their grace period from now."
            : "The held steps are cancelled; the person keeps their access as it is."}
        </p>
        <label className="mt-3 block text-xs font-medium text-slate-600" htmlFor={`note-${planId}`}>
          {confirm === "reject" ? "Why (required)" : "Note (optional)"}
        </label>
        <textarea
          id={`note-${planId}`}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={2}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {review.isError && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {review.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
