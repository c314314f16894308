import { and, asc, count, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  accessExceptions,
  accessPlans,
  accessRequests,
  driftFindings,
  identities,
  manualTasks,
  provisioningOperations,
  systems,
} from "@/server/db/schema";
import type { ServiceContext } from "./context";

/** How many of each kind of work the queue shows; the count says how many there are in all. */
const SHOWN = 5;
const WEEK_MS = 7 * 24 * 3_600_000;

const requester = alias(identities, "requester");
const holder = alias(identities, "holder");

/**
 * IT's home (issue 15, point 4): everything waiting for IT, oldest first, each with how many in
 * all and a link to where it is done. Read-only; a few small indexed queries.
 */
export async function itWorkQueue({ ctx }: { ctx: ServiceContext }) {
  const now = ctx.clock();
  const weekAhead = new Date(now.getTime() + WEEK_MS);
  const openTasks = eq(manualTasks.status, "open");
  const failed = eq(provisioningOperations.status, "failed");
  const held = eq(accessPlans.status, "awaiting_review");
  const newDrift = eq(driftFindings.status, "open");
  const extensions = and(
    eq(accessRequests.kind, "extension"),
    inArray(accessRequests.status, ["pending", "needs_info"]),
  );
  const expiring = and(
    isNull(accessExceptions.endedAt),
    gt(accessExceptions.expiresAt, now),
    lte(accessExceptions.expiresAt, weekAhead),
  );
  const total = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  const [tasks, failures, plans, drift, extensionRequests, soon] = await Promise.all([
    Promise.all([
      total(ctx.db.select({ n: count() }).from(manualTasks).where(openTasks)),
      ctx.db
        .select({
          id: manualTasks.id,
          systemKey: manualTasks.systemKey,
          systemName: systems.name,
          description: manualTasks.description,
          since: manualTasks.createdAt,
        })
        .from(manualTasks)
        .innerJoin(systems, eq(systems.key, manualTasks.systemKey))
        .where(openTasks)
        .orderBy(asc(manualTasks.createdAt))
        .limit(SHOWN),
    ]),
    Promise.all([
      total(ctx.db.select({ n: count() }).from(provisioningOperations).where(failed)),
      ctx.db
        .select({
          id: provisioningOperations.id,
          systemKey: provisioningOperations.systemKey,
          action: provisioningOperations.action,
          resourceKey: provisioningOperations.resourceKey,
          lastError: provisioningOperations.lastError,
          since: provisioningOperations.createdAt,
        })
        .from(provisioningOperations)
        .where(failed)
        .orderBy(asc(provisioningOperations.createdAt))
        .limit(SHOWN),
    ]),
    Promise.all([
      total(ctx.db.select({ n: count() }).from(accessPlans).where(held)),
      ctx.db
        .select({
          id: accessPlans.id,
          number: accessPlans.number,
          kind: accessPlans.kind,
          summary: accessPlans.summary,
          person: identities.displayName,
          since: accessPlans.createdAt,
        })
        .from(accessPlans)
        .innerJoin(identities, eq(identities.id, accessPlans.identityId))
        .where(held)
        .orderBy(asc(accessPlans.createdAt))
        .limit(SHOWN),
    ]),
    ctx.db
      .select({ systemKey: driftFindings.systemKey, kind: driftFindings.kind, n: count() })
      .from(driftFindings)
      .where(newDrift)
      .groupBy(driftFindings.systemKey, driftFindings.kind)
      .orderBy(driftFindings.systemKey, driftFindings.kind),
    Promise.all([
      total(ctx.db.select({ n: count() }).from(accessRequests).where(extensions)),
      ctx.db
        .select({
          id: accessRequests.id,
          number: accessRequests.number,
          person: requester.displayName,
          since: accessRequests.createdAt,
        })
        .from(accessRequests)
        .innerJoin(requester, eq(requester.id, accessRequests.requesterId))
        .where(extensions)
        .orderBy(asc(accessRequests.createdAt))
        .limit(SHOWN),
    ]),
    Promise.all([
      total(ctx.db.select({ n: count() }).from(accessExceptions).where(expiring)),
      ctx.db
        .select({
          id: accessExceptions.id,
          number: accessExceptions.number,
          resourceKey: accessExceptions.resourceKey,
          person: holder.displayName,
          expiresAt: accessExceptions.expiresAt,
        })
        .from(accessExceptions)
        .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
        .where(expiring)
        .orderBy(asc(accessExceptions.expiresAt))
        .limit(SHOWN),
    ]),
  ]);
  return {
    tasks: { total: tasks[0], first: tasks[1] },
    failedOperations: { total: failures[0], first: failures[1] },
    plansHeld: { total: plans[0], first: plans[1] },
    driftFindings: { total: drift.reduce((n, d) => n + d.n, 0), bySystem: drift },
    extensions: { total: extensionRequests[0], first: extensionRequests[1] },
    expiringThisWeek: { total: soon[0], first: soon[1] },
  };
}
