"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Restore an old version; approve or reject a pending one (not one's own). */
export function VersionActions({
  versionId,
  status,
  isActive,
  isOwnChange,
}: {
  versionId: number;
  status: string;
  isActive: boolean;
  isOwnChange: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [dialog, setDialog] = useState<"restore" | "approve" | "reject" | null>(null);
  const [note, setNote] = useState("");
  const done = () => {
    setDialog(null);
    router.refresh();
  };
  const restore = useMutation(
    trpc.policies.restore.mutationOptions({ onSuccess: (v) => router.push(`/policies/versions/${v.id}`) }),
  );
  const decide = useMutation(trpc.policies.decide.mutationOptions({ onSuccess: done }));
  const busy = restore.isPending || decide.isPending;
  const error = restore.error?.message ?? decide.error?.message;

  return (
    <div className="flex flex-wrap gap-2 text-sm">
      {status === "pending" && !isOwnChange && (
        <>
          <Button onClick={() => setDialog("approve")}>Approve</Button>
          <Button variant="danger" onClick={() => setDialog("reject")}>
            Reject…
          </Button>
        </>
      )}
      {status === "pending" && isOwnChange && (
        <p className="text-slate-600">Waiting for another IT admin to approve or reject your change.</p>
      )}
      {status !== "pending" && !isActive && (
        <Button variant="secondary" onClick={() => setDialog("restore")}>
          Restore this version…
        </Button>
      )}
      {isActive && <p className="text-slate-600">This is the active version.</p>}
      {error && !dialog && (
        <p className="w-full text-red-700" role="alert">
          {error}
        </p>
      )}

      <ConfirmDialog
        open={dialog === "restore"}
        title={`Restore version ${versionId}?`}
        confirmLabel="Restore"
        busy={busy}
        onCancel={() => setDialog(null)}
        onConfirm={() => restore.mutate({ versionId })}
      >
        Its files become the policy set again, as a new version. Access follows at once (or after approval, if changes
        need a second IT admin).
        {restore.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {restore.error.message}
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "approve"}
        title={`Approve version ${versionId}?`}
        confirmLabel="Approve and apply"
        busy={busy}
        onCancel={() => setDialog(null)}
        onConfirm={() => decide.mutate({ versionId, decision: "approve", note: note || undefined })}
      >
        The change takes effect at once.
        {decide.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {decide.error.message}
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "reject"}
        title={`Reject version ${versionId}?`}
        tone="danger"
        confirmLabel="Reject"
        busy={busy}
        onCancel={() => setDialog(null)}
        onConfirm={() => decide.mutate({ versionId, decision: "reject", note })}
      >
        <label htmlFor="reject-note" className="block text-xs font-medium text-slate-700">
          Why (the author sees this)
        </label>
        <textarea
          id="reject-note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          rows={3}
        />
        {decide.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {decide.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
