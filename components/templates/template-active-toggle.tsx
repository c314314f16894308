"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Takes a template out of the catalog (after a confirmation) or puts it back. */
export function TemplateActiveToggle({
  templateKey,
  name,
  active,
}: {
  templateKey: string;
  name: string;
  active: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const set = useMutation(
    trpc.templates.setActive.mutationOptions({ onSuccess: () => (setConfirming(false), router.refresh()) }),
  );
  return (
    <>
      {active ? (
        <Button variant="ghost" className="text-xs" onClick={() => setConfirming(true)}>
          Shown · hide…
        </Button>
      ) : (
        <Button
          variant="ghost"
          className="text-xs"
          disabled={set.isPending}
          onClick={() => set.mutate({ key: templateKey, active: true })}
        >
          Hidden · show
        </Button>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Hide “${name}” from the catalog?`}
        tone="danger"
        confirmLabel="Hide"
        busy={set.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => set.mutate({ key: templateKey, active: false })}
      >
        Nobody can ask with it any more. Open requests carry on and can still be decided.
      </ConfirmDialog>
    </>
  );
}
