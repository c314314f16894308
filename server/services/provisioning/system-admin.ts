import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
// Secrets are named by environment variable, but a literal one (or a URL's password) must not reach the audit trail.
import { redactedConfig } from "@/server/adapters/literal-secrets";
import { adapterFor } from "@/server/adapters/registry";
import { AdapterError } from "@/server/adapters/types";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import {
  accessExceptions,
  expectedAccess,
  manualTasks,
  provisioningOperations,
  requestTemplates,
  resources,
  systems,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { askHealth } from "./systems";

/**
 * IT manages systems in the product (issue 15, point 6): add one with its ordered access levels
 * and adapter, edit its name, description and levels, test its connection, and retire it once
 * nothing lives on it any more. Adapter calls (the connection test) are made before any
 * transaction opens.
 */

export interface AdapterSettings {
  adapterKind: string;
  adapterConfig: Record<string, unknown>;
}

/** The adapter the settings describe; settings it refuses are INVALID_INPUT naming `adapterConfig`. */
function adapterFromSettings(input: AdapterSettings & { systemKey: string }) {
  try {
    return adapterFor({ key: input.systemKey, adapterKind: input.adapterKind, adapterConfig: input.adapterConfig });
  } catch (err) {
    if (err instanceof AdapterError) throw new DomainError("INVALID_INPUT", err.message, { field: "adapterConfig" });
    throw err;
  }
}

/**
 * "Test connection": builds the adapter from the settings given (not saved) and asks its health
 * check. Settings the adapter refuses are INVALID_INPUT; an unreachable system is an answer
 * ({ ok: false, detail }), not an error. Audited: a test sends the named secret to the address
 * given, so who tested what, and where, is on the record (after the call, in its own transaction).
 */
export async function testSystemConnection({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AdapterSettings & { systemKey: string };
}): Promise<{ ok: boolean; detail: string }> {
  const result = await probeConnection(input);
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "system.connection_tested",
      subjectType: "system",
      subjectId: input.systemKey,
      after: { adapterKind: input.adapterKind, adapterConfig: redactedConfig(input.adapterConfig), ok: result.ok },
      reason: result.detail.slice(0, 500),
    }),
  );
  return result;
}

async function probeConnection(
  input: AdapterSettings & { systemKey: string },
): Promise<{ ok: boolean; detail: string }> {
  // Not the cached adapter of a saved system (adapterOf): these settings are not saved.
  const adapter = adapterFromSettings(input);
  try {
    return await askHealth(adapter);
  } finally {
    await adapter.close().catch(() => undefined);
  }
}

/**
 * Before settings are saved: the connection works, or IT saves them without one on purpose (a
 * system not reachable yet), and then only the settings themselves are checked.
 */
async function checkSettings(ctx: ServiceContext, input: AdapterSettings & { systemKey: string }, test: boolean) {
  if (!test) return void (await adapterFromSettings(input).close());
  // The save's own audit event says the connection was tested.
  const connection = await probeConnection(input);
  if (!connection.ok)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The connection test failed: ${connection.detail}. Fix the settings, or save without a working connection on purpose`,
      { field: "adapterConfig" },
    );
}

/** IT connects a system to an adapter: the settings are checked (and the connection tested) before they are saved. */
export async function configureSystemAdapter({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AdapterSettings & { systemKey: string; withoutConnectionTest?: boolean };
}) {
  const [known] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!known) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  await checkSettings(ctx, input, !input.withoutConnectionTest);
  return ctx.db.transaction(async (tx) => {
    const system = await lockedSystem(tx, input.systemKey);
    await tx
      .update(systems)
      .set({ adapterKind: input.adapterKind, adapterConfig: input.adapterConfig })
      .where(eq(systems.key, system.key));
    await recordAuditEvent(tx, ctx, {
      action: "system.adapter_configured",
      subjectType: "system",
      subjectId: system.key,
      before: { adapterKind: system.adapterKind, adapterConfig: redactedConfig(system.adapterConfig) },
      after: {
        adapterKind: input.adapterKind,
        adapterConfig: redactedConfig(input.adapterConfig),
        connectionTested: !input.withoutConnectionTest,
      },
    });
    return { key: system.key, adapterKind: input.adapterKind };
  });
}

/** Levels: each named once, lowest first; 1 to 20 of them. */
function checkLevels(levels: string[]): string[] {
  const clean = levels.map((l) => l.trim());
  if (clean.length === 0 || clean.some((l) => !/^[a-z][a-z0-9_-]{0,39}$/.test(l)))
    throw new DomainError(
      "INVALID_INPUT",
      "Access levels: one or more, each a lowercase word (letters, digits, - or _), lowest first",
      { field: "accessLevels" },
    );
  const twice = clean.find((l, i) => clean.indexOf(l) !== i);
  if (twice)
    throw new DomainError("INVALID_INPUT", `Access levels: "${twice}" is named twice`, { field: "accessLevels" });
  return clean;
}

/** A new system. Its connection is tested first unless IT saves it without one on purpose (a system not reachable yet). */
export async function addSystem({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AdapterSettings & {
    key: string;
    name: string;
    description: string;
    accessLevels: string[];
    withoutConnectionTest?: boolean;
  };
}) {
  const accessLevels = checkLevels(input.accessLevels);
  // /systems/new is the page that adds one.
  if (input.key === "new")
    throw new DomainError("INVALID_INPUT", 'Key: "new" is reserved; choose another', { field: "key" });
  const settings = { systemKey: input.key, adapterKind: input.adapterKind, adapterConfig: input.adapterConfig };
  await checkSettings(ctx, settings, !input.withoutConnectionTest);
  return ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(systems)
      .values({
        key: input.key,
        name: input.name.trim(),
        description: input.description.trim(),
        accessLevels,
        adapterKind: input.adapterKind,
        adapterConfig: input.adapterConfig,
        createdAt: ctx.clock(),
      })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new DomainError("CONFLICT", `There is already a system "${input.key}"`, { field: "key" });
    await recordAuditEvent(tx, ctx, {
      action: "system.created",
      subjectType: "system",
      subjectId: created.key,
      after: {
        name: created.name,
        description: created.description,
        accessLevels: created.accessLevels,
        adapterKind: created.adapterKind,
        adapterConfig: redactedConfig(created.adapterConfig),
        connectionTested: !input.withoutConnectionTest,
      },
    });
    return { key: created.key };
  });
}

async function lockedSystem(tx: DbOrTx, systemKey: string) {
  const [system] = await tx.select().from(systems).where(eq(systems.key, systemKey)).for("update");
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${systemKey}"`, { field: "systemKey" });
  if (system.retiredAt)
    throw new DomainError("CONFLICT", `System "${systemKey}" is retired; it can no longer be changed`, {
      field: "systemKey",
    });
  return system;
}

/** Levels still in use: open exceptions at that level, or pending operations that would grant it. */
async function levelsInUse(tx: DbOrTx, systemKey: string, levels: string[]): Promise<string[]> {
  if (levels.length === 0) return [];
  const [exceptionLevels, operationLevels] = await Promise.all([
    tx
      .selectDistinct({ level: accessExceptions.level })
      .from(accessExceptions)
      .innerJoin(resources, eq(resources.key, accessExceptions.resourceKey))
      .where(
        and(
          eq(resources.systemKey, systemKey),
          isNull(accessExceptions.endedAt),
          inArray(accessExceptions.level, levels),
        ),
      ),
    tx
      .selectDistinct({ level: provisioningOperations.level })
      .from(provisioningOperations)
      .where(
        and(
          eq(provisioningOperations.systemKey, systemKey),
          inArray(provisioningOperations.status, ["pending", "waiting"]),
          inArray(provisioningOperations.level, levels),
        ),
      ),
  ]);
  return [...new Set([...exceptionLevels, ...operationLevels].map((r) => r.level!))].sort();
}

/** Name, description and access levels. A level open access still uses cannot be removed. */
export async function editSystem({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; name: string; description: string; accessLevels: string[] };
}) {
  const accessLevels = checkLevels(input.accessLevels);
  return ctx.db.transaction(async (tx) => {
    const before = await lockedSystem(tx, input.systemKey);
    const removed = before.accessLevels.filter((l) => !accessLevels.includes(l));
    const used = await levelsInUse(tx, before.key, removed);
    if (used.length)
      throw new DomainError(
        "CONFLICT",
        `Access level${used.length === 1 ? "" : "s"} ${used.map((l) => `"${l}"`).join(", ")} still in use by open access on ${before.name}: end it first`,
        { field: "accessLevels" },
      );
    const after = { name: input.name.trim(), description: input.description.trim(), accessLevels };
    await tx.update(systems).set(after).where(eq(systems.key, before.key));
    await recordAuditEvent(tx, ctx, {
      action: "system.updated",
      subjectType: "system",
      subjectId: before.key,
      before: { name: before.name, description: before.description, accessLevels: before.accessLevels },
      after,
    });
    return { key: before.key };
  });
}

/**
 * Retires a system once nothing lives on it: nobody holds its resources by policy, no open
 * exceptions, no grant or removal under way and no manual task open. It stays, marked retired,
 * with its resources and their history, in reports and the audit trail; its adapter is no longer
 * called and policies can no longer name it.
 */
export async function retireSystem({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; reason: string };
}) {
  return ctx.db.transaction(async (tx) => {
    const system = await lockedSystem(tx, input.systemKey);
    // Its resources stay (with their history, for the reports); nobody may still hold them.
    const [[held], [open], [ops], [tasks]] = await Promise.all([
      tx.select({ n: count() }).from(expectedAccess).where(eq(expectedAccess.systemKey, system.key)),
      tx
        .select({ n: count() })
        .from(accessExceptions)
        .innerJoin(resources, eq(resources.key, accessExceptions.resourceKey))
        .where(and(eq(resources.systemKey, system.key), isNull(accessExceptions.endedAt))),
      tx
        .select({ n: count() })
        .from(provisioningOperations)
        .where(
          and(
            eq(provisioningOperations.systemKey, system.key),
            inArray(provisioningOperations.status, ["pending", "waiting"]),
          ),
        ),
      tx
        .select({ n: count() })
        .from(manualTasks)
        .where(and(eq(manualTasks.systemKey, system.key), eq(manualTasks.status, "open"))),
    ]);
    // Active request forms that grant its resources would keep offering them.
    const forms = await tx
      .select({ key: requestTemplates.key })
      .from(requestTemplates)
      .where(
        and(
          eq(requestTemplates.active, true),
          sql`exists (select 1 from jsonb_array_elements(${requestTemplates.definition} -> 'grants') g
                      where split_part(g ->> 'resource', ':', 1) = ${system.key})`,
        ),
      );
    const left = [
      held!.n && `${held!.n} access${held!.n === 1 ? "" : "es"} held by policy`,
      open!.n && `${open!.n} open exception${open!.n === 1 ? "" : "s"}`,
      ops!.n && `${ops!.n} grant${ops!.n === 1 ? "" : "s"} or removal${ops!.n === 1 ? "" : "s"} under way`,
      tasks!.n && `${tasks!.n} open task${tasks!.n === 1 ? "" : "s"} for IT`,
      forms.length && `active request form${forms.length === 1 ? "" : "s"} ${forms.map((f) => f.key).join(", ")}`,
    ].filter(Boolean);
    if (left.length)
      throw new DomainError("CONFLICT", `${system.name} still has ${left.join(", ")}: end them before retiring it`, {
        field: "systemKey",
      });
    await tx
      .update(systems)
      .set({ retiredAt: ctx.clock(), retiredReason: input.reason.trim() })
      .where(eq(systems.key, system.key));
    await recordAuditEvent(tx, ctx, {
      action: "system.retired",
      subjectType: "system",
      subjectId: system.key,
      reason: input.reason.trim(),
      before: { retired: false },
      after: { retired: true },
    });
    return { key: system.key };
  });
}
