import { and, count, desc, eq, gte, inArray, isNull, type SQL } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { explainFinding, policyDraftForAccess } from "@/server/core/drift/explain";
import { DomainError } from "@/server/core/errors";
import { DEFAULT_GRACE_DAYS } from "@/server/core/lifecycle/plan";
import { poolOf } from "@/server/db/client";
import { driftFindings, driftRuns, identities, resources, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { adapterOf } from "../provisioning/adapters";
import { runDriftCheck } from "./check";

/** Whether drift detection can read a system (the manual adapter cannot). */
function canCheck(system: typeof systems.$inferSelect): boolean {
  try {
    return adapterOf(system).canList !== false;
  } catch {
    return false;
  }
}

/** Every system with its lifecycle settings, its last drift check and its open findings. */
export async function driftOverview({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db.select().from(systems).where(isNull(systems.retiredAt)).orderBy(systems.key);
  const last = await ctx.db
    .selectDistinctOn([driftRuns.systemKey])
    .from(driftRuns)
    .orderBy(driftRuns.systemKey, desc(driftRuns.id));
  const open = await ctx.db
    .select({ systemKey: driftFindings.systemKey, kind: driftFindings.kind, n: count() })
    .from(driftFindings)
    .where(eq(driftFindings.status, "open"))
    .groupBy(driftFindings.systemKey, driftFindings.kind);
  return rows.map((s) => ({
    key: s.key,
    name: s.name,
    adapterKind: s.adapterKind,
    canCheck: canCheck(s),
    reviewPlans: s.reviewPlans,
    graceDays: s.graceDays,
    effectiveGraceDays: s.graceDays ?? DEFAULT_GRACE_DAYS,
    driftAutoRemediate: s.driftAutoRemediate,
    lastRun: last.find((r) => r.systemKey === s.key) ?? null,
    open: {
      excess: open.find((o) => o.systemKey === s.key && o.kind === "excess")?.n ?? 0,
      missing: open.find((o) => o.systemKey === s.key && o.kind === "missing")?.n ?? 0,
      level: open.find((o) => o.systemKey === s.key && o.kind === "level")?.n ?? 0,
    },
  }));
}

/** Drift checks, newest first: the history. */
export async function listDriftRuns({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey?: string; page: number; pageSize: number };
}) {
  const where = input.systemKey ? eq(driftRuns.systemKey, input.systemKey) : undefined;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(driftRuns)
      .where(where)
      .orderBy(desc(driftRuns.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(driftRuns).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** Findings with the person they are about, open ones by default, newest first. */
export async function listDriftFindings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    systemKey?: string;
    kind?: "excess" | "missing" | "level";
    status: "open" | "closed" | "all";
    identityId?: string;
    page: number;
    pageSize: number;
  };
}) {
  const conditions: (SQL | undefined)[] = [
    input.systemKey ? eq(driftFindings.systemKey, input.systemKey) : undefined,
    input.kind ? eq(driftFindings.kind, input.kind) : undefined,
    input.identityId ? eq(driftFindings.identityId, input.identityId) : undefined,
    input.status === "open"
      ? inArray(driftFindings.status, ["open", "remediating"])
      : input.status === "closed"
        ? inArray(driftFindings.status, ["resolved", "dismissed"])
        : undefined,
  ];
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({
        finding: driftFindings,
        person: {
          id: identities.id,
          name: identities.displayName,
          email: identities.email,
          jobTitle: identities.jobTitle,
          department: identities.department,
        },
      })
      .from(driftFindings)
      .leftJoin(identities, eq(identities.id, driftFindings.identityId))
      .where(where)
      .orderBy(desc(driftFindings.createdAt), driftFindings.username, driftFindings.resourceKey)
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(driftFindings).where(where),
  ]);
  return {
    rows: rows.map(({ finding, person }) => ({
      ...finding,
      explanation: explainFinding(finding),
      person: person?.id ? { id: person.id, name: person.name, email: person.email } : null,
      // "Add to a policy": excess access of a known person, drafted for their role.
      policyDraft:
        finding.kind === "excess" && person?.id
          ? policyDraftForAccess({
              jobTitle: person.jobTitle,
              department: person.department,
              resource: finding.resourceKey,
              level: finding.actualLevel,
            })
          : null,
    })),
    total: total?.n ?? 0,
  };
}

/** IT's lifecycle settings for a system: review-before-execution, grace period, automatic drift remediation. */
export async function setSystemLifecycleSettings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; reviewPlans: boolean; graceDays: number | null; driftAutoRemediate: boolean };
}) {
  if (input.graceDays !== null && (!Number.isInteger(input.graceDays) || input.graceDays < 0 || input.graceDays > 365))
    throw new DomainError(
      "INVALID_INPUT",
      "The grace period is a whole number of days from 0 to 365 (empty: the default)",
      { field: "graceDays" },
    );
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(systems).where(eq(systems.key, input.systemKey)).for("update");
    if (!before) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
    const [after] = await tx
      .update(systems)
      .set({ reviewPlans: input.reviewPlans, graceDays: input.graceDays, driftAutoRemediate: input.driftAutoRemediate })
      .where(eq(systems.key, input.systemKey))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "system.lifecycle_settings_changed",
      subjectType: "system",
      subjectId: input.systemKey,
      before: {
        reviewPlans: before.reviewPlans,
        graceDays: before.graceDays,
        driftAutoRemediate: before.driftAutoRemediate,
      },
      after: {
        reviewPlans: after!.reviewPlans,
        graceDays: after!.graceDays,
        driftAutoRemediate: after!.driftAutoRemediate,
      },
      context: { by: actorLabel(ctx.actor) },
    });
    return after!;
  });
}

/**
 * Whether this system's scheduled check for the day is still to do, and if so the check runs with
 * a per-system advisory lock held on a connection of its own: tried, never waited for, so a second
 * instance running the same day's job at the same time skips the system instead of checking it
 * again, and one running later finds the day's finished run. No transaction is open during the check.
 */
async function onceToday(ctx: ServiceContext, systemKey: string, check: () => Promise<void>): Promise<boolean> {
  const client = await poolOf(ctx.db).connect();
  const key = `drift.schedule:${systemKey}`;
  try {
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock(hashtext($1)) as locked", [
      key,
    ]);
    if (!rows[0]!.locked) return false;
    try {
      const now = ctx.clock();
      const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      const [ran] = await ctx.db
        .select({ id: driftRuns.id })
        .from(driftRuns)
        .where(
          and(
            eq(driftRuns.systemKey, systemKey),
            eq(driftRuns.trigger, "schedule"),
            gte(driftRuns.startedAt, dayStart),
            // A run left "running" by an instance that died is not one: its lock went with it.
            eq(driftRuns.status, "done"),
          ),
        )
        .limit(1);
      if (ran) return false;
      await check();
      return true;
    } finally {
      await client.query("select pg_advisory_unlock(hashtext($1))", [key]);
    }
  } finally {
    client.release();
  }
}

/**
 * The daily job: every system that can be read is checked once that day (UTC), whichever instance
 * runs the job and however often; one failing system does not stop the others, and a failed check
 * is tried again by the next run of the job.
 */
export async function runScheduledDriftChecks({ ctx }: { ctx: ServiceContext }) {
  const results: { systemKey: string; ok: boolean; detail: string }[] = [];
  for (const system of await ctx.db.select().from(systems).where(isNull(systems.retiredAt)).orderBy(systems.key)) {
    if (!canCheck(system)) continue;
    await onceToday(ctx, system.key, async () => {
      try {
        const run = await runDriftCheck({ ctx, input: { systemKey: system.key, trigger: "schedule" } });
        results.push({
          systemKey: system.key,
          ok: true,
          detail: `${run.excessCount} excess, ${run.missingCount} missing, ${run.levelCount} level`,
        });
      } catch (error) {
        results.push({
          systemKey: system.key,
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }
  return results;
}

/** A system's resources with their grace periods: their own, or the system's (or the default) when unset. */
export async function listResourceGrace({ ctx, input }: { ctx: ServiceContext; input: { systemKey: string } }) {
  const [system] = await ctx.db
    .select({ graceDays: systems.graceDays })
    .from(systems)
    .where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  const rows = await ctx.db
    .select({ key: resources.key, description: resources.description, graceDays: resources.graceDays })
    .from(resources)
    .where(eq(resources.systemKey, input.systemKey))
    .orderBy(resources.key);
  const systemDays = system.graceDays ?? DEFAULT_GRACE_DAYS;
  return { systemDays, resources: rows.map((r) => ({ ...r, effectiveDays: r.graceDays ?? systemDays })) };
}

/** Sets one resource's grace period (null: follow the system's). */
export async function setResourceGraceDays({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { resourceKey: string; graceDays: number | null };
}) {
  if (input.graceDays !== null && (!Number.isInteger(input.graceDays) || input.graceDays < 0 || input.graceDays > 365))
    throw new DomainError(
      "INVALID_INPUT",
      "The grace period is a whole number of days from 0 to 365 (empty: the system's)",
      { field: "graceDays" },
    );
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(resources).where(eq(resources.key, input.resourceKey)).for("update");
    if (!before)
      throw new DomainError("NOT_FOUND", `There is no resource ${input.resourceKey}`, { field: "resourceKey" });
    const [after] = await tx
      .update(resources)
      .set({ graceDays: input.graceDays })
      .where(eq(resources.key, input.resourceKey))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "resource.grace_days_changed",
      subjectType: "resource",
      subjectId: input.resourceKey,
      before: { graceDays: before.graceDays },
      after: { graceDays: after!.graceDays },
    });
    return after!;
  });
}
