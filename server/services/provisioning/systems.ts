import { and, asc, count, desc, eq, gte, inArray, or } from "drizzle-orm";
import { adapterKinds } from "@/server/adapters/registry";
import { DomainError } from "@/server/core/errors";
import { adapterCalls, identities, manualTasks, provisioningOperations, systems } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import type { Adapter } from "@/server/adapters/types";
import { adapterOf } from "./adapters";

const HEALTH_TIMEOUT_MS = 5_000;

/** An adapter's own health check, within 5 s: an error or no answer is an unhealthy answer, never a throw. */
export async function askHealth(adapter: Adapter): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      adapter.health(),
      new Promise<{ ok: boolean; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: "no answer within 5 seconds" }), HEALTH_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** A saved system's health, asked live through its cached adapter. */
export async function healthOf(system: Pick<typeof systems.$inferSelect, "key" | "adapterKind" | "adapterConfig">) {
  try {
    return await askHealth(adapterOf(system));
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
  // A retired system's adapter is not asked.
  const health = await Promise.all(rows.map((s) => (s.retiredAt ? { ok: true, detail: "retired" } : healthOf(s))));
  return rows.map((s, i) => ({
    key: s.key,
    name: s.name,
    description: s.description,
    adapterKind: s.adapterKind,
    retiredAt: s.retiredAt,
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
    system.retiredAt ? { ok: true, detail: "retired" } : healthOf(system),
  ]);
  return {
    key: system.key,
    name: system.name,
    description: system.description,
    retiredAt: system.retiredAt,
    retiredReason: system.retiredReason,
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
