"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

/** Puts the checklist away from the work queue, or brings it back there; the Setup page keeps it either way. */
export function SetupDismissButton({ dismissed }: { dismissed: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const change = useMutation(trpc.setup.setDismissed.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="secondary" disabled={change.isPending} onClick={() => change.mutate({ dismissed: !dismissed })}>
        {dismissed ? "Show on the work queue again" : "Dismiss from the work queue"}
      </Button>
      {change.isError && (
        <p role="alert" className="text-sm text-red-700">
          {change.error.message}
        </p>
      )}
    </div>
  );
}
