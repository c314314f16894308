import { randomUUID } from "node:crypto";
import type { Tx } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { provisioningOperations } from "@/server/db/schema";

export type Operation = typeof provisioningOperations.$inferSelect;
export type FailureMode = "ignore" | "retry" | "block";

/** How an attempt whose runner stopped during the call is recorded (no answer: the system may have done it). */
export const NO_ANSWER = "no answer was recorded";

/** Revocation always retries with backoff: access that should be gone must not stay by accident. */
export const REVOKE_ATTEMPTS = 8;

/** Splits system:type:name. */
export function resourceParts(resource: string) {
  const [system, type, ...rest] = resource.split(":");
  return { system: system!, type: type ?? "", name: rest.join(":") };
}

/**
 * Calls a grant may take: retry, the template's maximum; ignore, one; block, one answer (a refusal
 * is final), tried once more only when the runner stopped during the first call and no answer came
 * (the lease ran out): the same idempotency key, so the system grants it once.
 */
export const maxGrantAttempts = (mode: FailureMode, templateMax: number) =>
  mode === "retry" ? templateMax : mode === "block" ? 2 : 1;

export interface NewOperation {
  identityId: string;
  resourceKey: string;
  level: string | null;
  action: "grant" | "revoke";
  exceptionId: string | null;
  failureMode: FailureMode;
  maxAttempts: number;
  now: Date;
}

const rowOf = (op: NewOperation) => ({
  systemKey: resourceParts(op.resourceKey).system,
  identityId: op.identityId,
  resourceKey: op.resourceKey,
  level: op.level,
  action: op.action,
  exceptionId: op.exceptionId,
  failureMode: op.failureMode,
  status: "pending",
  maxAttempts: op.action === "revoke" ? REVOKE_ATTEMPTS : maxGrantAttempts(op.failureMode, op.maxAttempts),
  nextAttemptAt: op.now,
  createdAt: op.now,
});

/** Queues a grant or revoke in the caller's transaction; the provisioning job carries it out. */
export async function queueOperation(tx: Tx, op: NewOperation): Promise<Operation> {
  const [row] = await tx.insert(provisioningOperations).values(rowOf(op)).returning();
  return row!;
}

/**
 * Queues several in one statement (a joiner's plan has one per grant; a bulk hire, thousands), in
 * their order: insertRows inserts them in the order given, so that is their queue order (seq).
 * Ids are chosen here so that each caller's item knows its operation.
 */
export async function queueOperations(tx: Tx, ops: NewOperation[]): Promise<string[]> {
  if (ops.length === 0) return [];
  const ids = ops.map(() => randomUUID());
  await insertRows(
    tx,
    provisioningOperations,
    ops.map((op, i) => ({ id: ids[i]!, ...rowOf(op) })),
  );
  return ids;
}
