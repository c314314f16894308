import { and, count, desc, eq } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { diffPolicySets, previewImpact, type PolicyFile } from "@/server/core/policy";
import type { Tx } from "@/server/db/client";
import { policyFiles, policySetVersions, policySettings } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { applyChanges, assertNoErrors, lintFiles, type FileChangeInput } from "./drafts";
import { activeVersion, loadPolicyIdentities, policyEngine, versionFiles } from "./engine";
import { itAdminIds } from "../portal-roles";
import { notifyPeople } from "../requests/notify";

// Saves of the policy set are serialized: each is based on the version active when it starts.
const POLICY_SAVE_LOCK = 7_414_010;

export async function requiresSecondApproval(db: ServiceContext["db"] | Tx): Promise<boolean> {
  const [row] = await db.select({ v: policySettings.requireSecondApproval }).from(policySettings).limit(1);
  return row?.v ?? false;
}

/** Impact counts of going from `before` to `after` over everyone, kept with the version. */
async function impactSummary(ctx: ServiceContext, before: PolicyFile[], after: PolicyFile[]) {
  const [old, next, people] = await Promise.all([
    policyEngine(ctx.db, before),
    policyEngine(ctx.db, after),
    loadPolicyIdentities(ctx.db),
  ]);
  const impact = previewImpact(old.compiled, next.compiled, people, ctx.clock(), { limit: 0 });
  const changes = diffPolicySets(before, after);
  return {
    files: changes.map((c) => ({ path: c.path, change: c.change })),
    impact: {
      people: impact.changedPeople,
      gains: impact.gains,
      losses: impact.losses,
      levelChanges: impact.levelChanges,
    },
  };
}

/**
 * Saves a change to the policy set as a new version, with a message. It takes effect at once,
 * or waits for a second IT admin when the setting says so. Refused when the set has errors,
 * when nothing changes, or when someone else saved since `baseVersionId`.
 */
export async function savePolicyChange({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { baseVersionId: number | null; changes: FileChangeInput[]; message: string };
}) {
  const message = input.message.trim();
  if (message.length < 3)
    throw new DomainError("INVALID_INPUT", "Say what the change is for (a message of a few words)", {
      field: "message",
    });
  if (input.changes.length === 0)
    throw new DomainError("INVALID_INPUT", "There is nothing to save", { field: "changes" });
  const current = await activeVersion(ctx.db);
  const base = await versionFiles(ctx.db, current?.id ?? null);
  const after = applyChanges(base, input.changes);
  assertNoErrors(await lintFiles(ctx.db, after));
  const summary = await impactSummary(ctx, base, after);
  if (summary.files.length === 0)
    throw new DomainError("INVALID_INPUT", "The files are the same as the active version: nothing to save", {
      field: "changes",
    });
  return createVersion(ctx, {
    baseVersionId: input.baseVersionId,
    expectedBase: current?.id ?? null,
    files: after,
    message,
    summary,
    action: "policy.change_saved",
  });
}

/** Makes an earlier version's files the policy set again, as a new version. */
export async function restorePolicyVersion({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { versionId: number; message?: string };
}) {
  const [old] = await ctx.db.select().from(policySetVersions).where(eq(policySetVersions.id, input.versionId));
  if (!old) throw new DomainError("NOT_FOUND", `There is no version ${input.versionId}`, { field: "versionId" });
  const current = await activeVersion(ctx.db);
  const base = await versionFiles(ctx.db, current?.id ?? null);
  const after = await versionFiles(ctx.db, old.id);
  const summary = await impactSummary(ctx, base, after);
  if (summary.files.length === 0)
    throw new DomainError("INVALID_INPUT", `Version ${old.id} is what is active already`, { field: "versionId" });
  const message = input.message?.trim() || `Restore version ${old.id} ("${old.message}")`;
  return createVersion(ctx, {
    baseVersionId: current?.id ?? null,
    expectedBase: current?.id ?? null,
    files: after,
    message,
    summary,
    action: "policy.version_restored",
    restoredFrom: old.id,
  });
}

async function createVersion(
  ctx: ServiceContext,
  v: {
    baseVersionId: number | null;
    expectedBase: number | null;
    files: PolicyFile[];
    message: string;
    summary: object;
    action: string;
    restoredFrom?: number;
  },
) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(${POLICY_SAVE_LOCK})`);
    const current = await activeVersion(tx);
    if ((current?.id ?? null) !== v.baseVersionId || v.expectedBase !== (current?.id ?? null)) {
      throw new DomainError(
        "CONFLICT",
        `The policies changed since you started (version ${current?.id} by ` +
          `${current?.authorLabel}: "${current?.message}"). Reload, then make your change again.`,
        { field: "baseVersionId" },
      );
    }
    const pending = await requiresSecondApproval(tx);
    const now = ctx.clock();
    const [created] = await tx
      .insert(policySetVersions)
      .values({
        status: pending ? "pending" : "active",
        baseVersionId: current?.id ?? null,
        authorId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
        authorLabel: actorLabel(ctx.actor),
        message: v.message,
        createdAt: now,
        activatedAt: pending ? null : now,
        summary: { ...v.summary, ...(v.restoredFrom ? { restoredFrom: v.restoredFrom } : {}) },
      })
      .returning();
    if (v.files.length) await tx.insert(policyFiles).values(v.files.map((f) => ({ versionId: created!.id, ...f })));
    await recordAuditEvent(tx, ctx, {
      action: pending ? "policy.change_proposed" : v.action,
      subjectType: "policy_set_version",
      subjectId: String(created!.id),
      before: current ? { version: current.id } : null,
      after: { version: created!.id, status: created!.status, ...v.summary },
      reason: v.message,
    });
    return created!;
  });
}

/** A second IT admin approves (the change takes effect) or rejects a pending change. */
export async function decidePolicyChange({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { versionId: number; decision: "approve" | "reject"; note?: string };
}) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(${POLICY_SAVE_LOCK})`);
    const [v] = await tx
      .select()
      .from(policySetVersions)
      .where(eq(policySetVersions.id, input.versionId))
      .for("update");
    if (!v) throw new DomainError("NOT_FOUND", `There is no version ${input.versionId}`, { field: "versionId" });
    if (v.status !== "pending")
      throw new DomainError("CONFLICT", `Version ${v.id} is ${v.status}, not waiting for a decision`, {
        field: "versionId",
      });
    if (ctx.actor.type === "identity" && v.authorId === ctx.actor.identityId) {
      throw new DomainError("FORBIDDEN", "A policy change needs a second IT admin: you cannot decide your own", {
        field: "versionId",
      });
    }
    const note = input.note?.trim() || null;
    if (input.decision === "reject" && !note)
      throw new DomainError("INVALID_INPUT", "Say why the change is rejected", { field: "note" });
    const current = await activeVersion(tx);
    if (input.decision === "approve" && (current?.id ?? null) !== v.baseVersionId) {
      throw new DomainError(
        "CONFLICT",
        `The policies changed since this change was proposed (now version ${current?.id}); it must be proposed again`,
        { field: "versionId" },
      );
    }
    const now = ctx.clock();
    const [decided] = await tx
      .update(policySetVersions)
      .set({
        status: input.decision === "approve" ? "active" : "rejected",
        activatedAt: input.decision === "approve" ? now : null,
        deciderId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
        deciderLabel: actorLabel(ctx.actor),
        decidedAt: now,
        decisionNote: note,
      })
      .where(eq(policySetVersions.id, v.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: input.decision === "approve" ? "policy.change_approved" : "policy.change_rejected",
      subjectType: "policy_set_version",
      subjectId: String(v.id),
      before: { status: "pending", author: v.authorLabel },
      after: { status: decided!.status },
      reason: note ?? v.message,
    });
    return decided!;
  });
}

export async function listPolicyVersions({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { page: number; pageSize: number };
}) {
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(policySetVersions)
      .orderBy(desc(policySetVersions.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(policySetVersions),
  ]);
  const active = await activeVersion(ctx.db);
  return {
    rows,
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
    activeVersionId: active?.id ?? null,
  };
}

/** One version's files and metadata, and its diff against another (by default the one it was based on). */
export async function getPolicyVersion({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { versionId: number; against?: number };
}) {
  const [v] = await ctx.db.select().from(policySetVersions).where(eq(policySetVersions.id, input.versionId));
  if (!v) throw new DomainError("NOT_FOUND", `There is no version ${input.versionId}`, { field: "versionId" });
  const againstId = input.against ?? v.baseVersionId;
  if (input.against !== undefined) {
    const [other] = await ctx.db
      .select({ id: policySetVersions.id })
      .from(policySetVersions)
      .where(eq(policySetVersions.id, input.against));
    if (!other) throw new DomainError("NOT_FOUND", `There is no version ${input.against}`, { field: "against" });
  }
  const [files, otherFiles] = await Promise.all([versionFiles(ctx.db, v.id), versionFiles(ctx.db, againstId ?? null)]);
  return { version: v, files, against: againstId ?? null, diff: diffPolicySets(otherFiles, files) };
}

export async function pendingPolicyChanges({ ctx }: { ctx: ServiceContext }) {
  return ctx.db
    .select()
    .from(policySetVersions)
    .where(and(eq(policySetVersions.status, "pending")))
    .orderBy(desc(policySetVersions.id));
}

export async function setPolicySettings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { requireSecondApproval: boolean };
}) {
  return ctx.db.transaction(async (tx) => {
    const before = await requiresSecondApproval(tx);
    await tx
      .insert(policySettings)
      .values({ id: 1, requireSecondApproval: input.requireSecondApproval, updatedAt: ctx.clock() })
      .onConflictDoUpdate({
        target: policySettings.id,
        set: { requireSecondApproval: input.requireSecondApproval, updatedAt: ctx.clock() },
      });
    if (before !== input.requireSecondApproval) {
      await recordAuditEvent(tx, ctx, {
        action: "policy.settings_changed",
        subjectType: "policy_settings",
        before: { requireSecondApproval: before },
        after: { requireSecondApproval: input.requireSecondApproval },
      });
      // One IT admin can turn four-eyes off (and so change policies or make an IT admin alone):
      // the others hear of it at once, in the app and by email.
      if (before && ctx.actor.type === "identity") {
        const me = ctx.actor.identityId;
        await notifyPeople(
          tx,
          (await itAdminIds(tx)).filter((id) => id !== me),
          {
            kind: "policy_settings_changed",
            title: `${ctx.actor.displayName} turned off second-admin approval`,
            body: "Policy changes and new IT admins now take effect on one IT admin's word. Turn it back on under Policies if that was not agreed.",
            link: "/policies",
          },
          ctx.clock(),
        );
      }
    }
    return { requireSecondApproval: input.requireSecondApproval };
  });
}

/** Replaces the whole set with the files given (a directory import): one version, like any save. */
export async function importPolicyFiles({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { files: PolicyFile[]; message: string };
}) {
  const current = await activeVersion(ctx.db);
  const existing = await versionFiles(ctx.db, current?.id ?? null);
  const incoming = new Map(input.files.map((f) => [f.path, f.source]));
  const changes: FileChangeInput[] = [
    ...input.files.filter((f) => existing.find((e) => e.path === f.path)?.source !== f.source),
    ...existing.filter((e) => !incoming.has(e.path)).map((e) => ({ path: e.path, source: null })),
  ];
  return savePolicyChange({ ctx, input: { baseVersionId: current?.id ?? null, changes, message: input.message } });
}
