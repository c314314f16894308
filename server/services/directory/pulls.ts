import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import { AdapterError } from "@/server/adapters/types";
import { actorLabel, systemActor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import type { Db } from "@/server/db/client";
import { directoryPulls, hrSources } from "@/server/db/schema";
import { checkDirectorySettings, connectorFor, directoryKinds, type DirectoryKind } from "@/server/directory/registry";
import type { DirectoryConnector } from "@/server/directory/types";
import { logger } from "@/server/log";
import { recordAuditEvent } from "../audit";
import type { ServiceContext, SourceContext } from "../context";
import { createHrSource } from "../hr/events";
import { applyDirectoryRead, type PullResult } from "./apply-read";

/** A run that has not finished after this long is taken to have died with its instance. */
const LEASE_MINUTES = 15;
/** After a failure that may pass (a 429 that outlasted the retries, a 5xx), try again sooner. */
const RETRY_MINUTES = 5;
const minutes = (n: number) => n * 60_000;

export interface NewDirectoryPull {
  key: string;
  name: string;
  kind: DirectoryKind;
  settings: unknown;
  intervalMinutes: number;
}

const checked = (kind: DirectoryKind, settings: unknown) => {
  const result = checkDirectorySettings(kind, settings);
  if (!result.ok) throw new DomainError("INVALID_INPUT", `${result.field}: ${result.message}`, { field: result.field });
  return result.settings;
};

/**
 * IT connects a directory to pull from: a source (its people are managed by it, with its
 * attribute ownership and scoping) whose first pull runs at the next minute. Its bearer token
 * is never shown: a pull source receives nothing over HTTP.
 */
export async function createDirectoryPull({ ctx, input }: { ctx: ServiceContext; input: NewDirectoryPull }) {
  const settings = checked(input.kind, input.settings);
  return ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx as unknown as Db };
    await createHrSource({ ctx: txCtx, input: { key: input.key, name: input.name } });
    const now = ctx.clock();
    await tx.insert(directoryPulls).values({
      sourceKey: input.key,
      kind: input.kind,
      settings,
      intervalMinutes: input.intervalMinutes,
      nextRunAt: now,
      createdAt: now,
      createdBy: actorLabel(ctx.actor),
    });
    await recordAuditEvent(tx, ctx, {
      action: "directory_pull.created",
      subjectType: "hr_source",
      subjectId: input.key,
      after: { kind: input.kind, settings, intervalMinutes: input.intervalMinutes },
    });
    return { key: input.key };
  });
}

/** IT changes how often, or where and with which credentials' names, a directory is read. */
export async function updateDirectoryPull({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; settings?: unknown; intervalMinutes?: number };
}) {
  return ctx.db.transaction(async (tx) => {
    const [pull] = await tx.select().from(directoryPulls).where(eq(directoryPulls.sourceKey, input.key)).for("update");
    if (!pull) throw new DomainError("NOT_FOUND", `No directory pull "${input.key}"`, { field: "key" });
    const settings = input.settings === undefined ? pull.settings : checked(pull.kind as DirectoryKind, input.settings);
    const intervalMinutes = input.intervalMinutes ?? pull.intervalMinutes;
    await tx.update(directoryPulls).set({ settings, intervalMinutes }).where(eq(directoryPulls.sourceKey, input.key));
    await recordAuditEvent(tx, ctx, {
      action: "directory_pull.changed",
      subjectType: "hr_source",
      subjectId: input.key,
      before: { settings: pull.settings, intervalMinutes: pull.intervalMinutes },
      after: { settings, intervalMinutes },
    });
    return { key: input.key };
  });
}

/** Every pull, with how its last run went; settings name variables and files, never secrets. */
export async function listDirectoryPulls({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({ pull: directoryPulls, name: hrSources.name, revokedAt: hrSources.revokedAt })
    .from(directoryPulls)
    .innerJoin(hrSources, eq(hrSources.key, directoryPulls.sourceKey))
    .orderBy(asc(hrSources.name));
  return rows.map(({ pull, name, revokedAt }) => ({
    key: pull.sourceKey,
    name,
    kind: pull.kind as DirectoryKind,
    kindLabel: directoryKinds[pull.kind as DirectoryKind].label,
    settings: pull.settings as Record<string, unknown>,
    intervalMinutes: pull.intervalMinutes,
    nextRunAt: pull.nextRunAt,
    running: pull.runningSince !== null,
    lastRunAt: pull.lastRunAt,
    lastStatus: pull.lastStatus as "ok" | "failed" | null,
    lastError: pull.lastError,
    lastResult: pull.lastResult as PullResult | null,
    revoked: revokedAt !== null,
  }));
}

/** Whether the credentials work and the permissions are there, saying which one is missing. */
export async function testDirectoryPull({ ctx, input }: { ctx: ServiceContext; input: { key: string } }) {
  const [pull] = await ctx.db.select().from(directoryPulls).where(eq(directoryPulls.sourceKey, input.key));
  if (!pull) throw new DomainError("NOT_FOUND", `No directory pull "${input.key}"`, { field: "key" });
  try {
    return await connectorFor(pull.kind as DirectoryKind, pull.settings).health();
  } catch (err) {
    if (err instanceof AdapterError) return { ok: false, detail: err.message };
    throw err;
  }
}

type Connect = (kind: DirectoryKind, settings: unknown) => DirectoryConnector;
type Outcome =
  { status: "ok"; result: PullResult; cursor: string | null } | { status: "failed"; error: string; retry: boolean };

/**
 * Takes the pull for one run: an UPDATE that only one instance wins. The claim is the time it
 * was taken; the run renews it as it goes, so a long first read keeps it, and an instance that
 * died loses it after LEASE_MINUTES.
 */
async function claim(ctx: ServiceContext, key: string): Promise<{ pull: typeof directoryPulls.$inferSelect } | null> {
  const now = ctx.clock();
  const [pull] = await ctx.db
    .update(directoryPulls)
    .set({ runningSince: now })
    .where(
      and(
        eq(directoryPulls.sourceKey, key),
        or(
          isNull(directoryPulls.runningSince),
          lte(directoryPulls.runningSince, new Date(now.getTime() - minutes(LEASE_MINUTES))),
        ),
      ),
    )
    .returning();
  return pull ? { pull } : null;
}

/** Not taken: either another run holds it, or there is no such pull (which IT must hear). */
async function mustExist(ctx: ServiceContext, key: string) {
  const [exists] = await ctx.db
    .select({ key: directoryPulls.sourceKey })
    .from(directoryPulls)
    .where(eq(directoryPulls.sourceKey, key));
  if (!exists) throw new DomainError("NOT_FOUND", `No directory pull "${key}"`, { field: "key" });
}

/**
 * One pull: claimed (one instance at a time), the directory read with no transaction open, the
 * read applied, then the cursor, the outcome and its audit event together, if the claim is
 * still this run's. A failed read keeps the cursor, so nothing is skipped.
 */
export async function runDirectoryPull({
  ctx,
  input,
  connect = connectorFor,
}: {
  ctx: ServiceContext;
  input: { key: string; allowMassLeave?: boolean };
  connect?: Connect;
}): Promise<{ status: "ok" | "failed" | "busy"; result?: PullResult; error?: string }> {
  const claimed = await claim(ctx, input.key);
  if (!claimed) {
    await mustExist(ctx, input.key);
    return { status: "busy" };
  }
  return work(ctx, claimed.pull, input.allowMassLeave ?? false, connect);
}

async function work(
  ctx: ServiceContext,
  pull: typeof directoryPulls.$inferSelect,
  allowMassLeave: boolean,
  connect: Connect,
): Promise<{ status: "ok" | "failed"; result?: PullResult; error?: string }> {
  const key = pull.sourceKey;
  let held = pull.runningSince!;
  const keepAlive = async () => {
    const now = ctx.clock();
    const renewed = await ctx.db
      .update(directoryPulls)
      .set({ runningSince: now })
      .where(and(eq(directoryPulls.sourceKey, key), eq(directoryPulls.runningSince, held)))
      .returning({ key: directoryPulls.sourceKey });
    if (!renewed.length) throw new LostClaim();
    held = now;
  };
  const [source] = await ctx.db.select().from(hrSources).where(eq(hrSources.key, key));
  const sourceCtx: SourceContext = { ...ctx, actor: systemActor(`pull:${key}`), sourceKey: key };
  let outcome: Outcome;
  try {
    if (source?.revokedAt) throw new AdapterError("the source was revoked: nothing is pulled", false);
    const read = await connect(pull.kind as DirectoryKind, pull.settings).read(pull.cursor);
    await keepAlive();
    outcome = {
      status: "ok",
      result: await applyDirectoryRead(sourceCtx, read, { keepAlive, allowMassLeave }),
      cursor: read.cursor,
    };
  } catch (err) {
    if (err instanceof LostClaim) return { status: "failed", error: "another run took over this pull" };
    if (!(err instanceof AdapterError)) {
      await release(ctx, key, held, { status: "failed", error: "Clearance failed applying the read", retry: true });
      throw err;
    }
    outcome = { status: "failed", error: err.message, retry: err.retryable };
  }
  await release(ctx, key, held, outcome);
  return outcome.status === "ok"
    ? { status: "ok", result: outcome.result }
    : { status: "failed", error: outcome.error };
}

/** Another run took the pull (this one outlived its lease): what this one read is not written. */
class LostClaim extends Error {}

async function release(ctx: ServiceContext, key: string, held: Date, outcome: Outcome) {
  await ctx.db.transaction(async (tx) => {
    const [pull] = await tx
      .select()
      .from(directoryPulls)
      .where(and(eq(directoryPulls.sourceKey, key), eq(directoryPulls.runningSince, held)))
      .for("update");
    if (!pull) return;
    const now = ctx.clock();
    const wait =
      outcome.status === "failed" && outcome.retry
        ? Math.min(RETRY_MINUTES, pull.intervalMinutes)
        : pull.intervalMinutes;
    await tx
      .update(directoryPulls)
      .set({
        runningSince: null,
        lastRunAt: now,
        lastStatus: outcome.status,
        lastError: outcome.status === "failed" ? outcome.error : null,
        ...(outcome.status === "ok" ? { lastResult: outcome.result, cursor: outcome.cursor } : {}),
        nextRunAt: new Date(now.getTime() + minutes(wait)),
      })
      .where(eq(directoryPulls.sourceKey, key));
    await recordAuditEvent(tx, ctx, {
      action: outcome.status === "ok" ? "directory.pulled" : "directory.pull_failed",
      subjectType: "hr_source",
      subjectId: key,
      after: outcome.status === "ok" ? { ...outcome.result } : { error: outcome.error, retryable: outcome.retry },
    });
  });
}

/**
 * IT's "Sync now": the pull is claimed before the answer (the page shows it running), then read
 * and applied after it (a large directory takes minutes). `allowMassLeave` is IT confirming a
 * full read that ends many people. A pull already running is left to finish.
 */
export async function requestDirectoryPull({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; allowMassLeave?: boolean };
}) {
  const claimed = await claim(ctx, input.key);
  if (!claimed) {
    await mustExist(ctx, input.key);
    return { status: "running" as const };
  }
  if (input.allowMassLeave)
    await ctx.db.transaction((tx) =>
      recordAuditEvent(tx, ctx, {
        action: "directory.mass_leave_allowed",
        subjectType: "hr_source",
        subjectId: input.key,
        reason: "IT confirmed that people gone from the directory leave",
      }),
    );
  void work(ctx, claimed.pull, input.allowMassLeave ?? false, connectorFor).catch((err: unknown) =>
    logger().error({ err, source: input.key }, "directory pull failed"),
  );
  return { status: "started" as const };
}

/** The scheduled job: every pull whose time has come, one after another. */
export async function runDueDirectoryPulls({ ctx }: { ctx: ServiceContext }): Promise<number> {
  const due = await ctx.db
    .select({ key: directoryPulls.sourceKey })
    .from(directoryPulls)
    .innerJoin(hrSources, eq(hrSources.key, directoryPulls.sourceKey))
    .where(and(lte(directoryPulls.nextRunAt, ctx.clock()), isNull(hrSources.revokedAt)))
    .orderBy(asc(directoryPulls.nextRunAt));
  let ran = 0;
  for (const { key } of due) {
    // One source's failure (a bug, the database) must not keep the others from their pulls.
    const outcome = await runDirectoryPull({ ctx, input: { key } }).catch((err: unknown) => {
      logger().error({ err, source: key }, "directory pull failed");
      return { status: "failed" as const };
    });
    if (outcome.status !== "busy") ran++;
  }
  return ran;
}
