import { and, asc, count, desc, eq, gte, inArray, or } from "drizzle-orm";
import { AdapterError } from "@/server/adapters/types";
import { adapterFor, adapterKinds } from "@/server/adapters/registry";
import { DomainError } from "@/server/core/errors";
import { adapterCalls, identities, manualTasks, provisioningOperations, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { adapterOf } from "./adapters";

const HEALTH_TIMEOUT_MS = 5_000;

async function healthOf(system: typeof systems.$inferSelect) {
  try {
    const adapter = adapterOf(system);
    return await Promise.race([
      adapter.health(),
      new Promise<{ ok: boolean; detail: string }>((resolve) =>
        setTimeout(() => resolve({ ok: false, detail: "no answer within 5 seconds" }), HEALTH_TIMEOUT_MS),
      ),
    ]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Every system with its adapter, health (asked live), open tasks and failed operations. */
export async function listSystems({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db.select().from(systems).orderBy(systems.name);
  const [failed, tasks, pending] = await Promise.all([
    ctx.db
      .select({ systemKey: provisioningOperations.systemKey, n: count() })
      .from(provisioningOperations)
      .where(eq(provisioningOperations.status, "failed"))
      .groupBy(provisioningOperations.systemKey),
    ctx.db
      .select({ systemKey: manualTasks.systemKey, n: count() })
      .from(manualTasks)
      .where(eq(manualTasks.status, "open"))
      .groupBy(manualTasks.systemKey),
    ctx.db
      .select({ systemKey: provisioningOperations.systemKey, n: count() })
      .from(provisioningOperations)
      .where(eq(provisioningOperations.status, "pending"))
      .groupBy(provisioningOperations.systemKey),
  ]);
  const by = (list: { systemKey: string; n: number }[]) => new Map(list.map((x) => [x.systemKey, x.n]));
  const [f, t, p] = [by(failed), by(tasks), by(pending)];
  const health = await Promise.all(rows.map(healthOf));
  return rows.map((s, i) => ({
    key: s.key,
    name: s.name,
    description: s.description,
    adapterKind: s.adapterKind,
    health: health[i]!,
    failed: f.get(s.key) ?? 0,
    openTasks: t.get(s.key) ?? 0,
    pending: p.get(s.key) ?? 0,
  }));
}

/** How long cancelled operations and tasks stay on a system's page, so IT sees what not to do. */
const RECENTLY_CANCELLED_MS = 7 * 24 * 3_600_000;

/** One system: its adapter settings, recent calls, operations waiting, failed or recently cancelled, and tasks for IT. */
export async function getSystem({ ctx, input }: { ctx: ServiceContext; input: { systemKey: string } }) {
  const [system] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  const since = new Date(ctx.clock().getTime() - RECENTLY_CANCELLED_MS);
  const [calls, failures, tasks, health] = await Promise.all([
    ctx.db
      .select()
      .from(adapterCalls)
      .where(eq(adapterCalls.systemKey, system.key))
      .orderBy(desc(adapterCalls.id))
      .limit(30),
    ctx.db
      .select({ op: provisioningOperations, email: identities.email })
      .from(provisioningOperations)
      .innerJoin(identities, eq(identities.id, provisioningOperations.identityId))
      .where(
        and(
          eq(provisioningOperations.systemKey, system.key),
          or(
            inArray(provisioningOperations.status, ["failed", "pending"]),
            and(eq(provisioningOperations.status, "cancelled"), gte(provisioningOperations.completedAt, since)),
          ),
        ),
      )
      .orderBy(desc(provisioningOperations.createdAt))
      .limit(50),
    ctx.db
      .select({ task: manualTasks, cancelReason: provisioningOperations.cancelReason })
      .from(manualTasks)
      .innerJoin(provisioningOperations, eq(provisioningOperations.id, manualTasks.operationId))
      .where(
        and(
          eq(manualTasks.systemKey, system.key),
          or(eq(manualTasks.status, "open"), and(eq(manualTasks.status, "cancelled"), gte(manualTasks.doneAt, since))),
        ),
      )
      .orderBy(asc(manualTasks.createdAt)),
    healthOf(system),
  ]);
  return {
    key: system.key,
    name: system.name,
    adapterKind: system.adapterKind,
    adapterConfig: system.adapterConfig as Record<string, unknown>,
    accessLevels: system.accessLevels,
    adapterKinds: [...adapterKinds],
    health,
    calls,
    operations: failures.map((f) => ({ ...f.op, email: f.email })),
    tasks: tasks.filter((t) => t.task.status === "open").map((t) => t.task),
    /** Grant tasks cancelled lately ("do not grant"), with why. */
    cancelledTasks: tasks
      .filter((t) => t.task.status === "cancelled")
      .map((t) => ({ ...t.task, cancelReason: t.cancelReason })),
  };
}

/** IT connects a system to an adapter; the settings are checked before they are saved. */
export async function configureSystemAdapter({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; adapterKind: string; adapterConfig: Record<string, unknown> };
}) {
  const [system] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  try {
    await adapterFor({ key: system.key, adapterKind: input.adapterKind, adapterConfig: input.adapterConfig }).close();
  } catch (err) {
    if (err instanceof AdapterError) throw new DomainError("INVALID_INPUT", err.message, { field: "adapterConfig" });
    throw err;
  }
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(systems)
      .set({ adapterKind: input.adapterKind, adapterConfig: input.adapterConfig })
      .where(eq(systems.key, system.key))
      .returning();
    // Secrets are named by environment variable, but a literal one must not reach the audit trail.
    const redact = (c: unknown) =>
      Object.fromEntries(
        Object.entries((c ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          /password|secret|token/i.test(k) && !/env$/i.test(k) ? "***" : v,
        ]),
      );
    await recordAuditEvent(tx, ctx, {
      action: "system.adapter_configured",
      subjectType: "system",
      subjectId: system.key,
      before: { adapterKind: system.adapterKind, adapterConfig: redact(system.adapterConfig) },
      after: { adapterKind: updated!.adapterKind, adapterConfig: redact(updated!.adapterConfig) },
    });
    return { key: updated!.key, adapterKind: updated!.adapterKind };
  });
}
