import { and, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Adapter } from "@/server/adapters/types";
import { actorLabel } from "@/server/core/actor";
import { explainDrift } from "@/server/core/drift/explain";
import { DomainError } from "@/server/core/errors";
import { poolOf } from "@/server/db/client";
import { accessExceptions, driftFindings, driftRuns, expectedAccess, identities, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { ensureExpectedAccessFresh } from "../lifecycle/expected";
import { adapterOf } from "../provisioning/adapters";
import { compareWithExpected, type DriftRow } from "./compare";
import { remediateFindings } from "./remediate";

type Trigger = "schedule" | "on_demand";

/**
 * A drift check of one system (seed 001, layer 5): read actual access through the adapter,
 * compare it with expected access in PostgreSQL, and keep the findings. A finding still seen
 * stays open (its last run moves on); one no longer seen is resolved; new ones open. With
 * automatic remediation on, the system is corrected at once. `adapter` replaces the system's
 * own (benchmarks).
 */
export async function runDriftCheck({ ctx, input, adapter: given }: { ctx: ServiceContext; input: { systemKey: string; trigger: Trigger }; adapter?: Adapter }) {
  const [system] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  const adapter = given ?? adapterOf(system);
  if (adapter.canList === false) throw new DomainError("PRECONDITION_FAILED", `${system.name} uses the ${adapter.kind} adapter, which cannot read access back: connect an adapter to check it for drift`, { field: "systemKey" });
  const started = ctx.clock();
  const startedMs = Date.now();
  const [run] = await ctx.db.insert(driftRuns).values({ systemKey: system.key, trigger: input.trigger, requestedBy: actorLabel(ctx.actor), status: "running", startedAt: started }).returning();
  try {
    await ensureExpectedAccessFresh(ctx.db, started);
    const actual = await adapter.listActual();
    const expectedKeys = await ctx.db.selectDistinct({ key: expectedAccess.resourceKey }).from(expectedAccess).where(eq(expectedAccess.systemKey, system.key));
    const exceptionKeys = await ctx.db.selectDistinct({ key: accessExceptions.resourceKey }).from(accessExceptions).where(and(sql`${accessExceptions.resourceKey} like ${`${system.key}:%`}`, sql`${accessExceptions.endedAt} is null`));
    const managed = [...new Set([...expectedKeys, ...exceptionKeys].map((r) => r.key))].filter((r) => adapter.manages?.(r) ?? true);
    const { rows, expectedCount } = await compareWithExpected(poolOf(ctx.db), { systemKey: system.key, actual, managed, at: started });
    const result = await ctx.db.transaction(async (tx) => {
      const facts = await factsFor(tx, system.key, rows);
      const now = ctx.clock();
      const found = rows.map((r) => {
        const f = facts(r);
        return { systemKey: system.key, firstRunId: run!.id, lastRunId: run!.id, identityId: f.identityId, username: r.username, resourceKey: r.resource_key, kind: r.kind, expectedLevel: r.expected_level, actualLevel: r.actual_level, explanation: f.explanation, status: "open", createdAt: now };
      });
      for (let i = 0; i < found.length; i += 1000) {
        await tx
          .insert(driftFindings)
          .values(found.slice(i, i + 1000))
          .onConflictDoUpdate({
            target: [driftFindings.systemKey, driftFindings.username, driftFindings.resourceKey, driftFindings.kind],
            targetWhere: sql`${driftFindings.status} in ('open', 'remediating')`,
            set: { lastRunId: run!.id, expectedLevel: sql`excluded.expected_level`, actualLevel: sql`excluded.actual_level`, explanation: sql`excluded.explanation` },
          });
      }
      const gone = await tx
        .update(driftFindings)
        .set({ status: "resolved", resolution: "No longer found: the system matches", resolvedBy: "drift check", resolvedAt: now })
        .where(and(eq(driftFindings.systemKey, system.key), inArray(driftFindings.status, ["open", "remediating"]), ne(driftFindings.lastRunId, run!.id)))
        .returning({ id: driftFindings.id });
      const counts = { excess: rows.filter((r) => r.kind === "excess").length, missing: rows.filter((r) => r.kind === "missing").length, level: rows.filter((r) => r.kind === "level").length };
      const [done] = await tx
        .update(driftRuns)
        .set({ status: "done", finishedAt: now, actualCount: actual.length, expectedCount, excessCount: counts.excess, missingCount: counts.missing, levelCount: counts.level, durationMs: Date.now() - startedMs })
        .where(eq(driftRuns.id, run!.id))
        .returning();
      await recordAuditEvent(tx, ctx, { action: "drift.checked", subjectType: "system", subjectId: system.key, after: { run: run!.id, trigger: input.trigger, actual: actual.length, expected: expectedCount, ...counts, resolved: gone.length } });
      return done!;
    });
    if (!system.driftAutoRemediate) return result;
    const remediated = await remediateFindings({ ctx, input: { systemKey: system.key, runId: run!.id, note: "Automatic remediation (system setting)" } });
    const [after] = await ctx.db.update(driftRuns).set({ remediatedCount: remediated }).where(eq(driftRuns.id, run!.id)).returning();
    return after!;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db.transaction(async (tx) => {
      await tx.update(driftRuns).set({ status: "failed", finishedAt: ctx.clock(), error: message.slice(0, 2000), durationMs: Date.now() - startedMs }).where(eq(driftRuns.id, run!.id));
      await recordAuditEvent(tx, ctx, { action: "drift.failed", subjectType: "system", subjectId: system.key, after: { run: run!.id }, reason: message.slice(0, 1000) });
    });
    if (error instanceof DomainError) throw error;
    throw new DomainError("PRECONDITION_FAILED", `The drift check of ${system.name} failed: ${message}`, { field: "systemKey" });
  }
}

/** Who each finding is about and why it is one (people and ended exceptions in two queries). */
async function factsFor(tx: Parameters<Parameters<ServiceContext["db"]["transaction"]>[0]>[0], systemKey: string, rows: DriftRow[]) {
  const usernames = [...new Set(rows.map((r) => r.username))];
  const people = usernames.length ? await tx.select({ id: identities.id, username: identities.username, name: identities.displayName, status: identities.employmentStatus }).from(identities).where(inArray(identities.username, usernames)) : [];
  const byUsername = new Map(people.map((p) => [p.username!, p]));
  const ids = people.map((p) => p.id);
  const ended = ids.length
    ? await tx
        .select({ identityId: accessExceptions.identityId, resourceKey: accessExceptions.resourceKey, number: accessExceptions.number, endReason: accessExceptions.endReason, endedAt: accessExceptions.endedAt })
        .from(accessExceptions)
        .where(and(inArray(accessExceptions.identityId, ids), isNotNull(accessExceptions.endedAt), sql`${accessExceptions.resourceKey} like ${`${systemKey}:%`}`))
    : [];
  const lastEnded = new Map<string, (typeof ended)[number]>();
  for (const e of ended) {
    const key = `${e.identityId} ${e.resourceKey}`;
    const seen = lastEnded.get(key);
    if (!seen || seen.endedAt! < e.endedAt!) lastEnded.set(key, e);
  }
  return (r: DriftRow) => {
    const person = byUsername.get(r.username) ?? null;
    const endedException = person ? lastEnded.get(`${person.id} ${r.resource_key}`) : undefined;
    const explanation = explainDrift({
      kind: r.kind,
      username: r.username,
      resource: r.resource_key,
      person: person ? { name: person.name, status: person.status } : null,
      expectedLevel: r.expected_level,
      actualLevel: r.actual_level,
      policies: r.policies,
      exception: r.exception_number ? { number: r.exception_number, type: r.exception_type!, expiresAt: new Date(r.exception_expires_at!) } : null,
      endedException: endedException ? { number: endedException.number, endReason: endedException.endReason!, endedAt: endedException.endedAt! } : null,
    });
    return { identityId: person?.id ?? null, explanation: { ...explanation, policies: r.policies, exception: r.exception_number, endedException: endedException?.number ?? null } };
  };
}
