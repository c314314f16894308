import type { Tx } from "@/server/db/client";
import { provisioningOperations } from "@/server/db/schema";

export type Operation = typeof provisioningOperations.$inferSelect;
export type FailureMode = "ignore" | "retry" | "block";

/** Revocation always retries with backoff: access that should be gone must not stay by accident. */
export const REVOKE_ATTEMPTS = 8;

/** Splits system:type:name. */
export function resourceParts(resource: string) {
  const [system, type, ...rest] = resource.split(":");
  return { system: system!, type: type ?? "", name: rest.join(":") };
}

/** Queues a grant or revoke in the caller's transaction; the provisioning job carries it out. */
export async function queueOperation(
  tx: Tx,
  op: {
    identityId: string;
    resourceKey: string;
    level: string | null;
    action: "grant" | "revoke";
    exceptionId: string | null;
    failureMode: FailureMode;
    maxAttempts: number;
    now: Date;
  },
): Promise<Operation> {
  const [row] = await tx
    .insert(provisioningOperations)
    .values({
      systemKey: resourceParts(op.resourceKey).system,
      identityId: op.identityId,
      resourceKey: op.resourceKey,
      level: op.level,
      action: op.action,
      exceptionId: op.exceptionId,
      failureMode: op.failureMode,
      status: "pending",
      maxAttempts: op.action === "revoke" ? REVOKE_ATTEMPTS : op.failureMode === "retry" ? op.maxAttempts : 1,
      nextAttemptAt: op.now,
      createdAt: op.now,
    })
    .returning();
  return row!;
}
