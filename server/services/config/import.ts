import { desc, eq } from "drizzle-orm";
import { problemText, serializeConfig, type ConfigFile, type PlannedChange } from "@/server/core/config";
import { DomainError } from "@/server/core/errors";
import type { Tx } from "@/server/db/client";
import { configChangeProposals } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { requiresSecondApproval } from "../policies/versions";
import { itAdminIds } from "../portal-roles";
import { notifyPeople } from "../requests/notify";
import { applyConfigPlan } from "./apply";
import { hasErrors, planConfigImport, type ConfigPlan } from "./plan";
import { readCurrentConfig } from "./read";

/**
 * Configuration as code (issue 15, point 9; docs/config-as-code.md): export to files, and import
 * them back as one transaction, with the same second-IT-admin approval as policy changes: while
 * that setting is on, an import waits as a proposal until another IT admin approves it.
 */

// Imports and decisions are serialized: each plans against the configuration as it is when it runs.
const CONFIG_LOCK = 7_414_020;

export async function exportConfigFiles({ ctx }: { ctx: Pick<ServiceContext, "db"> }): Promise<ConfigFile[]> {
  return serializeConfig(await readCurrentConfig(ctx.db));
}

/** The dry run: what importing `files` would change, and every problem by file and line. Changes nothing. */
export async function previewConfigImport({
  ctx,
  input,
}: {
  ctx: Pick<ServiceContext, "db">;
  input: { files: ConfigFile[] };
}) {
  const plan = await planConfigImport(ctx.db, input.files);
  return { problems: plan.problems, changes: plan.changes };
}

/** Refuses files with errors, naming the first few by file and line. */
function refuseProblems(plan: ConfigPlan) {
  if (!hasErrors(plan.problems)) return;
  const errors = plan.problems.filter((p) => p.severity === "error");
  throw new DomainError(
    "INVALID_INPUT",
    `${errors.slice(0, 5).map(problemText).join("; ")}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ""}`,
    { field: "files" },
  );
}

const lock = (tx: Tx) => tx.execute(`select pg_advisory_xact_lock(${CONFIG_LOCK})`);
const summaryOf = (changes: PlannedChange[]) =>
  changes.map((c) => ({ kind: c.kind, key: c.key, change: c.change, fields: c.fields }));

export type ImportOutcome =
  | { status: "unchanged"; changes: [] }
  | { status: "applied"; changes: PlannedChange[] }
  | { status: "pending"; proposalId: number; changes: PlannedChange[] };

/**
 * Makes the configuration what the files say, in one transaction (one audit event per change, and
 * one for the import with its message), or, while second-admin approval is on, proposes it.
 * Files with errors change nothing; files that match change nothing.
 */
export async function importConfig({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { files: ConfigFile[]; message: string };
}): Promise<ImportOutcome> {
  const message = input.message.trim();
  if (message.length < 3)
    throw new DomainError("INVALID_INPUT", "Say what the change is for (a message of a few words)", {
      field: "message",
    });
  return ctx.db.transaction(async (tx) => {
    await lock(tx);
    const plan = await planConfigImport(tx, input.files);
    refuseProblems(plan);
    if (plan.changes.length === 0) return { status: "unchanged", changes: [] };
    if (!(await requiresSecondApproval(tx))) {
      await applyConfigPlan(tx, ctx, plan, message);
      return { status: "applied", changes: plan.changes };
    }
    if (ctx.actor.type !== "identity")
      throw new DomainError(
        "FORBIDDEN",
        "A second IT admin approves configuration changes: the change must be proposed by a named IT admin",
        { field: "actor" },
      );
    const proposer = ctx.actor;
    const [proposal] = await tx
      .insert(configChangeProposals)
      .values({
        files: input.files.map((f) => ({ path: f.path, source: f.source })),
        message,
        summary: summaryOf(plan.changes),
        baseFingerprint: plan.fingerprint,
        proposedBy: proposer.identityId,
        proposedAt: ctx.clock(),
      })
      .returning({ id: configChangeProposals.id });
    await recordAuditEvent(tx, ctx, {
      action: "config.change_proposed",
      subjectType: "config_change_proposal",
      subjectId: String(proposal!.id),
      after: { changes: summaryOf(plan.changes) },
      reason: message,
    });
    await notifyPeople(
      tx,
      (await itAdminIds(tx)).filter((id) => id !== proposer.identityId),
      {
        kind: "config_change_proposed",
        title: `${proposer.displayName} proposed a configuration change`,
        body: `${message} (${plan.changes.length} change${plan.changes.length === 1 ? "" : "s"}). Another IT admin approves it: clearance config approve ${proposal!.id}`,
        link: "/policies",
      },
      ctx.clock(),
    );
    return { status: "pending", proposalId: proposal!.id, changes: plan.changes };
  });
}

export async function pendingConfigChanges({ ctx }: { ctx: Pick<ServiceContext, "db"> }) {
  return ctx.db
    .select()
    .from(configChangeProposals)
    .where(eq(configChangeProposals.status, "pending"))
    .orderBy(desc(configChangeProposals.id));
}

/**
 * Another IT admin than the proposer approves (the files are applied, if the configuration is still
 * what they were planned against) or rejects (with a reason) a proposed configuration change.
 */
export async function decideConfigChange({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { proposalId: number; decision: "approve" | "reject"; note?: string };
}) {
  if (ctx.actor.type !== "identity")
    throw new DomainError("FORBIDDEN", "A configuration change is decided by a named IT admin", { field: "actor" });
  const decider = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    await lock(tx);
    const [p] = await tx
      .select()
      .from(configChangeProposals)
      .where(eq(configChangeProposals.id, input.proposalId))
      .for("update");
    if (!p)
      throw new DomainError("NOT_FOUND", `There is no configuration change ${input.proposalId}`, {
        field: "proposalId",
      });
    if (p.status !== "pending")
      throw new DomainError("CONFLICT", `Configuration change ${p.id} is ${p.status}, not waiting for a decision`, {
        field: "proposalId",
      });
    if (p.proposedBy === decider.identityId)
      throw new DomainError("FORBIDDEN", "A configuration change needs a second IT admin: you cannot decide your own", {
        field: "proposalId",
      });
    const note = input.note?.trim() || null;
    if (input.decision === "reject" && !note)
      throw new DomainError("INVALID_INPUT", "Say why the change is rejected", { field: "note" });
    let changes: PlannedChange[] = [];
    if (input.decision === "approve") {
      const plan = await planConfigImport(tx, p.files as ConfigFile[]);
      if (plan.fingerprint !== p.baseFingerprint)
        throw new DomainError(
          "CONFLICT",
          `The configuration changed since change ${p.id} was proposed; it must be proposed again`,
          { field: "proposalId" },
        );
      refuseProblems(plan);
      changes = plan.changes;
      await applyConfigPlan(tx, ctx, plan, p.message, { id: p.id, proposedBy: p.proposedBy });
    }
    await tx
      .update(configChangeProposals)
      .set({
        status: input.decision === "approve" ? "approved" : "rejected",
        decidedBy: decider.identityId,
        decidedAt: ctx.clock(),
        decisionNote: note,
      })
      .where(eq(configChangeProposals.id, p.id));
    await recordAuditEvent(tx, ctx, {
      action: input.decision === "approve" ? "config.change_approved" : "config.change_rejected",
      subjectType: "config_change_proposal",
      subjectId: String(p.id),
      before: { status: "pending", proposedBy: p.proposedBy },
      after: { status: input.decision === "approve" ? "approved" : "rejected" },
      reason: note ?? p.message,
    });
    return { id: p.id, status: input.decision === "approve" ? ("approved" as const) : ("rejected" as const), changes };
  });
}
