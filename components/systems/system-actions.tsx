"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

/** Retry a failed operation with a fresh set of attempts. */
export function RetryOperation({ operationId }: { operationId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const retry = useMutation(trpc.systems.retryOperation.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span>
      <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({ operationId })}>
        {retry.isPending ? "Queuing…" : "Retry"}
      </Button>
      {retry.isError && (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {retry.error.message}
        </span>
      )}
    </span>
  );
}

/** IT did a manual task by hand: mark it done, which completes the grant or removal. */
export function CompleteTask({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const done = useMutation(trpc.systems.completeTask.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span>
      <Button variant="secondary" disabled={done.isPending} onClick={() => done.mutate({ taskId })}>
        {done.isPending ? "Saving…" : "Mark done"}
      </Button>
      {done.isError && (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {done.error.message}
        </span>
      )}
    </span>
  );
}
