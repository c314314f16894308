import { and, eq, isNotNull } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import type { ExceptionType } from "@/server/core/exceptions/types";
import type { Tx } from "@/server/db/client";
import { driftFindings, resources } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext, ServiceContext } from "../context";
import { proposeKeepingAccess } from "../exceptions/propose";
import { queueOperation } from "../provisioning/operations";

type Finding = typeof driftFindings.$inferSelect;
export type DriftAction = "remove" | "grant" | "set_level" | "convert" | "dismiss";

/** The correction that makes the system match: remove excess, grant what is missing, set the level policy gives. */
const correctionOf = (f: Finding): DriftAction =>
  f.kind === "excess" ? "remove" : f.kind === "missing" ? "grant" : "set_level";

async function lockOpen(tx: Tx, findingId: string) {
  const [f] = await tx.select().from(driftFindings).where(eq(driftFindings.id, findingId)).for("update");
  if (!f) throw new DomainError("NOT_FOUND", "There is no such finding", { field: "findingId" });
  if (f.status !== "open")
    throw new DomainError(
      "CONFLICT",
      `This finding is already ${f.status}${f.resolution ? ` (${f.resolution})` : ""}`,
      { field: "findingId" },
    );
  return f;
}

/** Queues the adapter call that corrects a finding; the next check resolves it once the system matches. */
async function correct(tx: Tx, ctx: ServiceContext, f: Finding, note: string | null) {
  if (!f.identityId)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `No identity has the account ${f.username}: remove it in the system itself`,
      { field: "findingId" },
    );
  const action = correctionOf(f);
  const op = await queueOperation(tx, {
    identityId: f.identityId,
    resourceKey: f.resourceKey,
    level: action === "remove" ? f.actualLevel : f.expectedLevel,
    action: action === "remove" ? "revoke" : "grant",
    exceptionId: null,
    failureMode: "retry",
    maxAttempts: 5,
    now: ctx.clock(),
  });
  const resolution =
    action === "remove"
      ? "Removal queued"
      : action === "grant"
        ? "Grant queued"
        : `Level ${f.expectedLevel ?? "(lowest)"} queued`;
  await tx
    .update(driftFindings)
    .set({
      status: "remediating",
      operationId: op.id,
      resolution,
      resolvedBy: actorLabel(ctx.actor),
      resolvedAt: ctx.clock(),
    })
    .where(eq(driftFindings.id, f.id));
  await recordAuditEvent(tx, ctx, {
    action: "drift.remediated",
    subjectType: "drift_finding",
    subjectId: f.id,
    before: { status: "open", kind: f.kind },
    after: { status: "remediating", action, resource: f.resourceKey, username: f.username, operation: op.id },
    reason: note,
  });
}

/** Corrects every open finding of a run (automatic remediation); accounts no identity owns stay for IT. */
export async function remediateFindings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; runId: number; note: string };
}): Promise<number> {
  const open = await ctx.db
    .select({ id: driftFindings.id })
    .from(driftFindings)
    .where(
      and(
        eq(driftFindings.systemKey, input.systemKey),
        eq(driftFindings.lastRunId, input.runId),
        eq(driftFindings.status, "open"),
        isNotNull(driftFindings.identityId),
      ),
    );
  let done = 0;
  for (const { id } of open) {
    await ctx.db.transaction(async (tx) => {
      const f = await lockOpen(tx, id);
      await correct(tx, ctx, f, input.note);
    });
    done++;
  }
  return done;
}

export interface ResolveFindingInput {
  findingId: string;
  action: DriftAction;
  note?: string;
  /** convert: the exception that makes excess access legitimate, with its expiry and approver */
  exception?: { type: ExceptionType; expiresAt: Date | string; justification: string; approverEmail: string };
}

/**
 * IT acts on a finding: the correction (remove / grant / set the level), converting excess
 * access into an exception with an expiry (the person keeps it, now justified and time-bound),
 * or dismissing it with a reason. Each with its audit event.
 */
export async function resolveDriftFinding({ ctx, input }: { ctx: ServiceContext; input: ResolveFindingInput }) {
  return ctx.db.transaction(async (tx) => {
    const f = await lockOpen(tx, input.findingId);
    const note = input.note?.trim() || null;
    if (input.action === "dismiss") {
      if (!note || note.length < 3)
        throw new DomainError("INVALID_INPUT", "Say why the finding is dismissed", { field: "note" });
      await tx
        .update(driftFindings)
        .set({ status: "dismissed", resolution: note, resolvedBy: actorLabel(ctx.actor), resolvedAt: ctx.clock() })
        .where(eq(driftFindings.id, f.id));
      await recordAuditEvent(tx, ctx, {
        action: "drift.dismissed",
        subjectType: "drift_finding",
        subjectId: f.id,
        before: { status: "open" },
        after: { status: "dismissed", resource: f.resourceKey, username: f.username },
        reason: note,
      });
      return { status: "dismissed" as const, exceptionNumber: null };
    }
    if (input.action === "convert") {
      const request = await proposeConversion(tx, ctx, f, input.exception, note);
      return {
        status: "proposed" as const,
        exceptionNumber: null,
        requestId: request.id,
        requestNumber: request.number,
      };
    }
    if (input.action !== correctionOf(f))
      throw new DomainError(
        "INVALID_INPUT",
        `A ${f.kind} finding is corrected by "${correctionOf(f)}", not "${input.action}"`,
        { field: "action" },
      );
    await correct(tx, ctx, f, note);
    return { status: "remediating" as const, exceptionNumber: null };
  });
}

/**
 * Excess access IT would keep: proposed as an exception to the approver IT names (issue 12), who
 * decides it in their inbox. The finding stays open, saying so, until then.
 */
async function proposeConversion(
  tx: Tx,
  ctx: ServiceContext,
  f: Finding,
  e: ResolveFindingInput["exception"],
  note: string | null,
) {
  if (f.kind !== "excess")
    throw new DomainError("INVALID_INPUT", "Only excess access can become an exception", { field: "action" });
  if (!e)
    throw new DomainError("INVALID_INPUT", "Give the exception's type, expiry, justification and approver", {
      field: "exception",
    });
  if (!f.identityId)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `No identity has the account ${f.username}: there is nobody to hold an exception`,
      { field: "findingId" },
    );
  if (ctx.actor.type !== "identity")
    throw new DomainError("FORBIDDEN", "A person proposes keeping access", { field: "findingId" });
  const [resource] = await tx.select({ key: resources.key }).from(resources).where(eq(resources.key, f.resourceKey));
  if (!resource)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${f.resourceKey} is not in the catalog: add the resource before proposing an exception for it`,
      { field: "findingId" },
    );
  const request = await proposeKeepingAccess(
    tx,
    ctx as PersonContext,
    { id: f.id, identityId: f.identityId, resourceKey: f.resourceKey, actualLevel: f.actualLevel },
    e,
  );
  const resolution = `Proposed as an exception: REQ-${request.number}, waiting for ${e.approverEmail.trim().toLowerCase()}`;
  await tx.update(driftFindings).set({ resolution }).where(eq(driftFindings.id, f.id));
  await recordAuditEvent(tx, ctx, {
    action: "drift.conversion_proposed",
    subjectType: "drift_finding",
    subjectId: f.id,
    after: { request: `REQ-${request.number}`, resource: f.resourceKey, username: f.username },
    reason: note,
  });
  return request;
}
