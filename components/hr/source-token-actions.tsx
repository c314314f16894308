"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** A new token for a source (the old one stops working), or its token revoked; each with a reason. */
export function SourceTokenActions({
  sourceKey,
  name,
  revoked,
}: {
  sourceKey: string;
  name: string;
  revoked: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [dialog, setDialog] = useState<"rotate" | "revoke" | null>(null);
  const [reason, setReason] = useState("");
  const close = () => {
    setDialog(null);
    setReason("");
    rotate.reset();
    revoke.reset();
  };
  const rotate = useMutation(trpc.hr.rotateToken.mutationOptions({ onSuccess: () => router.refresh() }));
  const revoke = useMutation(
    trpc.hr.revokeSource.mutationOptions({
      onSuccess: () => {
        close();
        router.refresh();
      },
    }),
  );
  const error = rotate.error ?? revoke.error;
  return (
    <span className="flex flex-wrap justify-end gap-2">
      <Button variant="secondary" onClick={() => setDialog("rotate")}>
        {revoked ? "New token…" : "Replace token…"}
      </Button>
      {!revoked && (
        <Button variant="danger" onClick={() => setDialog("revoke")}>
          Revoke token…
        </Button>
      )}
      <ConfirmDialog
        open={dialog !== null}
        title={dialog === "revoke" ? `Revoke ${name}'s token?` : `A new token for ${name}?`}
        confirmLabel={dialog === "revoke" ? "Revoke" : rotate.data ? "Done" : "Make a new token"}
        tone={dialog === "revoke" ? "danger" : "primary"}
        busy={rotate.isPending || revoke.isPending}
        confirmDisabled={!rotate.data && reason.trim().length < 3}
        onCancel={close}
        onConfirm={() => {
          if (dialog === "revoke") revoke.mutate({ key: sourceKey, reason });
          else if (rotate.data) close();
          else rotate.mutate({ key: sourceKey, reason });
        }}
      >
        {rotate.data ? (
          <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p className="font-medium">
              The new token: copy it now, it is not shown again. The old one no longer works.
            </p>
            <code className="mt-1 block font-mono text-xs break-all">{rotate.data.token}</code>
          </div>
        ) : (
          <>
            <p>
              {dialog === "revoke"
                ? "HR events and SCIM calls with this token are refused from now on, and its events " +
                  "waiting for their day fail then. The people it manages stay as they are: hand them to " +
                  "another source, or give this one a new token."
                : "The old token stops working at once; the HR system or identity provider needs the new one. The people this source manages stay its own."}
            </p>
            <label htmlFor={`token-reason-${sourceKey}`} className="mt-3 block text-xs font-medium text-slate-700">
              Why (required; the audit trail keeps it)
            </label>
            <input
              id={`token-reason-${sourceKey}`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </>
        )}
        {error && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {error.message}
          </p>
        )}
      </ConfirmDialog>
    </span>
  );
}
