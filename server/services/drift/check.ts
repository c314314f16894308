import { and, eq, sql } from "drizzle-orm";
import type { Adapter } from "@/server/adapters/types";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { createDrizzle, poolOf } from "@/server/db/client";
import { accessExceptions, driftRuns, resources, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { ensureExpectedAccessFresh } from "../lifecycle/expected";
import { adapterOf } from "../provisioning/adapters";
import { findAndStoreDrift } from "./compare";
import { remediateFindings } from "./remediate";

type Trigger = "schedule" | "on_demand";

/**
 * A drift check of one system (seed 001, layer 5): read actual access through the adapter,
 * compare it with expected access in PostgreSQL, and keep the findings. A finding still seen
 * stays open (its last run moves on); one no longer seen is resolved; new ones open. With
 * automatic remediation on, the system is corrected at once. `adapter` replaces the system's
 * own (benchmarks).
 */
export async function runDriftCheck({
  ctx,
  input,
  adapter: given,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; trigger: Trigger };
  adapter?: Adapter;
}) {
  const [system] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  const adapter = given ?? adapterOf(system);
  if (adapter.canList === false)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${system.name} uses the ${adapter.kind} adapter, which cannot read access back: connect an adapter to check it for drift`,
      { field: "systemKey" },
    );
  const started = ctx.clock();
  const startedMs = Date.now();
  const [run] = await ctx.db
    .insert(driftRuns)
    .values({
      systemKey: system.key,
      trigger: input.trigger,
      requestedBy: actorLabel(ctx.actor),
      status: "running",
      startedAt: started,
    })
    .returning();
  try {
    await ensureExpectedAccessFresh(ctx.db, started);
    const phases = { readMs: 0, compareMs: 0 };
    let mark = Date.now();
    const actual = await adapter.listActual();
    phases.readMs = Date.now() - mark;
    // Policies may only name catalog resources (lint), so the catalog bounds what can be missing.
    const expectedKeys = await ctx.db
      .select({ key: resources.key })
      .from(resources)
      .where(eq(resources.systemKey, system.key));
    const exceptionKeys = await ctx.db
      .selectDistinct({ key: accessExceptions.resourceKey })
      .from(accessExceptions)
      .where(
        and(sql`${accessExceptions.resourceKey} like ${`${system.key}:%`}`, sql`${accessExceptions.endedAt} is null`),
      );
    const managed = [...new Set([...expectedKeys, ...exceptionKeys].map((r) => r.key))].filter(
      (r) => adapter.manages?.(r) ?? true,
    );
    mark = Date.now();
    // One connection for the whole comparison: the temporary tables, the COPY and the findings commit together.
    const client = await poolOf(ctx.db).connect();
    let result: typeof driftRuns.$inferSelect;
    try {
      result = await createDrizzle(client).transaction(async (tx) => {
        const counts = await findAndStoreDrift(tx, client, {
          systemKey: system.key,
          runId: run!.id,
          actual,
          managed,
          at: started,
        });
        const [done] = await tx
          .update(driftRuns)
          .set({
            status: "done",
            finishedAt: ctx.clock(),
            actualCount: actual.length,
            expectedCount: counts.expected,
            excessCount: counts.excess,
            missingCount: counts.missing,
            levelCount: counts.level,
            durationMs: Date.now() - startedMs,
          })
          .where(eq(driftRuns.id, run!.id))
          .returning();
        await recordAuditEvent(tx, ctx, {
          action: "drift.checked",
          subjectType: "system",
          subjectId: system.key,
          after: { run: run!.id, trigger: input.trigger, actual: actual.length, ...counts },
        });
        return done!;
      });
    } finally {
      client.release();
    }
    phases.compareMs = Date.now() - mark;
    if (!system.driftAutoRemediate) return { ...result, phases };
    const remediated = await remediateFindings({
      ctx,
      input: { systemKey: system.key, runId: run!.id, note: "Automatic remediation (system setting)" },
    });
    const [after] = await ctx.db
      .update(driftRuns)
      .set({ remediatedCount: remediated })
      .where(eq(driftRuns.id, run!.id))
      .returning();
    return { ...after!, phases };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(driftRuns)
        .set({
          status: "failed",
          finishedAt: ctx.clock(),
          error: message.slice(0, 2000),
          durationMs: Date.now() - startedMs,
        })
        .where(eq(driftRuns.id, run!.id));
      await recordAuditEvent(tx, ctx, {
        action: "drift.failed",
        subjectType: "system",
        subjectId: system.key,
        after: { run: run!.id },
        reason: message.slice(0, 1000),
      });
    });
    if (error instanceof DomainError) throw error;
    throw new DomainError("PRECONDITION_FAILED", `The drift check of ${system.name} failed: ${message}`, {
      field: "systemKey",
    });
  }
}
