/**
 * A plan step's state as a person reads it: waiting for review, queued, in its grace period,
 * done, failed. Derived from the step and what carries it on (its operation, or the exception
 * that holds the access in a grace period), so it is never stored twice.
 */
export function stepState(
  step: { status: string },
  op: { status: string; completedAt: Date | null; lastError: string | null; cancelReason?: string | null } | null,
  exception: { status: string; expiresAt: Date; endedAt: Date | null; removalDeliveredAt: Date | null } | null,
) {
  if (step.status === "awaiting_review") return { state: "awaiting_review", at: null, detail: null };
  if (step.status === "cancelled") return { state: "cancelled", at: null, detail: null };
  if (step.status === "in_grace" && exception) {
    if (exception.status === "removed")
      return { state: "done", at: exception.removalDeliveredAt, detail: "removed after the grace period" };
    if (exception.status === "revoke_failed")
      return { state: "failed", at: exception.endedAt, detail: "the removal failed" };
    if (exception.endedAt) return { state: "removing", at: exception.endedAt, detail: null };
    return {
      state: "in_grace",
      at: exception.expiresAt,
      detail: `kept until ${exception.expiresAt.toISOString().slice(0, 10)}`,
    };
  }
  if (!op) return { state: "queued", at: null, detail: null };
  if (op.status === "done") return { state: "done", at: op.completedAt, detail: null };
  if (op.status === "failed") return { state: "failed", at: null, detail: op.lastError };
  if (op.status === "waiting") return { state: "waiting", at: null, detail: null };
  // A later change for the same person and resource replaced it (a removal queued after it).
  if (op.status === "cancelled") return { state: "cancelled", at: op.completedAt, detail: op.cancelReason ?? null };
  return { state: "queued", at: null, detail: op.lastError ? `retrying: ${op.lastError}` : null };
}
