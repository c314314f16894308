import { and, asc, count, eq, gt, ilike, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import { countsAsAccess, daysRemaining, endReasonText, exceptionTimeline } from "@/server/core/exceptions";
import { evaluateAll } from "@/server/core/policy";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern, startsWithPattern } from "@/server/db/like";
import {
  accessExceptions,
  accessRequests,
  exceptionExtensions,
  identities,
  provisioningOperations,
  requestTemplates,
  resources,
} from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "../policies";
import { activeExceptionsOf } from "./active";
import { allTypeSettings } from "./settings";

const holder = alias(identities, "holder");
const approver = alias(identities, "approver");
const proposer = alias(identities, "proposer");

export interface ExceptionFilters {
  page: number;
  pageSize: number;
  expiringWithinDays?: number;
  type?: string;
  system?: string;
  department?: string;
  status?: "open" | "revoke_failed" | "ended" | "all";
  search?: string;
}

function filtersOf(input: ExceptionFilters, now: Date): SQL[] {
  const where: SQL[] = [];
  const status = input.status ?? "open";
  if (status === "open") where.push(isNull(accessExceptions.endedAt));
  if (status === "revoke_failed") where.push(eq(accessExceptions.status, "revoke_failed"));
  if (status === "ended") where.push(sql`${accessExceptions.endedAt} is not null`);
  if (input.expiringWithinDays)
    where.push(
      isNull(accessExceptions.endedAt),
      lte(accessExceptions.expiresAt, new Date(now.getTime() + input.expiringWithinDays * 86_400_000)),
    );
  if (input.type) where.push(eq(accessExceptions.type, input.type));
  if (input.system) where.push(ilike(accessExceptions.resourceKey, startsWithPattern(`${input.system}:`)));
  if (input.department) where.push(eq(holder.department, input.department));
  if (input.search?.trim()) {
    const p = containsPattern(input.search.trim());
    where.push(or(ilike(holder.displayName, p), ilike(holder.email, p), ilike(accessExceptions.resourceKey, p))!);
  }
  return where;
}

/** Seed 000's "Active exceptions" view for IT: filters, soonest expiry first, counts and share of all access. */
export async function listExceptions({ ctx, input }: { ctx: ServiceContext; input: ExceptionFilters }) {
  const now = ctx.clock();
  const where = and(...filtersOf(input, now));
  const [rows, [total], counts] = await Promise.all([
    ctx.db
      .select({
        id: accessExceptions.id,
        number: accessExceptions.number,
        resourceKey: accessExceptions.resourceKey,
        level: accessExceptions.level,
        type: accessExceptions.type,
        status: accessExceptions.status,
        source: accessExceptions.source,
        startsAt: accessExceptions.startsAt,
        expiresAt: accessExceptions.expiresAt,
        endedAt: accessExceptions.endedAt,
        endReason: accessExceptions.endReason,
        extensionsUsed: accessExceptions.extensionsUsed,
        approvalRule: accessExceptions.approvalRule,
        fallbackName: accessExceptions.fallbackName,
        holderId: holder.id,
        holderName: holder.displayName,
        holderEmail: holder.email,
        holderDepartment: holder.department,
        approverName: approver.displayName,
        approverEmail: approver.email,
      })
      .from(accessExceptions)
      .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
      .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
      .where(where)
      .orderBy(asc(accessExceptions.expiresAt), asc(accessExceptions.number))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db
      .select({ n: count() })
      .from(accessExceptions)
      .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
      .where(where),
    exceptionCounts(ctx.db, now),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      daysRemaining: r.endedAt ? null : daysRemaining(r.expiresAt, now),
      msRemaining: r.endedAt ? null : r.expiresAt.getTime() - now.getTime(),
    })),
    total: total?.n ?? 0,
    counts,
  };
}

/** Open exceptions, those expiring soon, failed revokes, and exceptions as a share of all access. */
export async function exceptionCounts(db: DbOrTx, now: Date) {
  const week = new Date(now.getTime() + 7 * 86_400_000);
  const month = new Date(now.getTime() + 30 * 86_400_000);
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null)::int`,
      expiring7: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.expiresAt} <= ${week})::int`,
      expiring30: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.expiresAt} <= ${month})::int`,
      revokeFailed: sql<number>`count(*) filter (where ${accessExceptions.status} = 'revoke_failed')::int`,
      grantFailed: sql<number>`count(*) filter (where ${accessExceptions.status} = 'grant_failed')::int`,
      fallback: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.source} = 'fallback')::int`,
    })
    .from(accessExceptions);
  const policyGrants = await policyGrantCount(db, now);
  const open = row?.open ?? 0;
  return { ...row!, policyGrants, shareOfAccess: open + policyGrants === 0 ? 0 : open / (open + policyGrants) };
}

// Counting every person's policy grants evaluates the whole organization: cache it per policy version for a minute.
let grantCountCache: { key: string; at: number; n: number } | null = null;
async function policyGrantCount(db: DbOrTx, now: Date): Promise<number> {
  const engine = await policyEngine(db);
  const key = `${engine.versionId}`;
  if (grantCountCache && grantCountCache.key === key && Date.now() - grantCountCache.at < 60_000)
    return grantCountCache.n;
  const people = await loadPolicyIdentities(db);
  // The population path (bitsets, one block at a time), not one person at a time; counted packed.
  const n = evaluateAll(engine.compiled, people, now).totalGrants();
  grantCountCache = { key, at: Date.now(), n };
  return n;
}

/** One exception with its timeline (seed 000's audit trail), extensions and provisioning operations. */
export async function getException({ ctx, input }: { ctx: ServiceContext; input: { exceptionId: string } }) {
  const now = ctx.clock();
  const [row] = await ctx.db
    .select({
      e: accessExceptions,
      holderName: holder.displayName,
      holderEmail: holder.email,
      approverEmail: approver.email,
      approverName: approver.displayName,
      proposerName: proposer.displayName,
      proposerEmail: proposer.email,
      requestedAt: accessRequests.createdAt,
      requestNumber: accessRequests.number,
      templateKey: requestTemplates.key,
    })
    .from(accessExceptions)
    .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
    .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
    .leftJoin(accessRequests, eq(accessRequests.id, accessExceptions.requestId))
    .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
    .leftJoin(requestTemplates, eq(requestTemplates.id, accessExceptions.templateId))
    .where(eq(accessExceptions.id, input.exceptionId));
  if (!row) throw new DomainError("NOT_FOUND", "There is no such exception", { field: "exceptionId" });
  if (
    ctx.actor.type === "identity" &&
    row.e.identityId !== ctx.actor.identityId &&
    !ctx.actor.roles.some((r) => r === "it_admin" || r === "auditor")
  ) {
    throw new DomainError("FORBIDDEN", "Only the holder, IT and auditors see an exception", { field: "exceptionId" });
  }
  const [extensions, operations] = await Promise.all([
    ctx.db
      .select()
      .from(exceptionExtensions)
      .where(eq(exceptionExtensions.exceptionId, row.e.id))
      .orderBy(asc(exceptionExtensions.ordinal)),
    ctx.db
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.exceptionId, row.e.id))
      .orderBy(asc(provisioningOperations.createdAt)),
  ]);
  const failedAt = operations.filter((o) => o.status === "failed").at(-1)?.nextAttemptAt ?? null;
  const timeline = exceptionTimeline(
    {
      requestedAt: row.requestedAt,
      proposedBy: row.proposerEmail,
      approvedAt: row.e.approvedAt,
      approvedBy: row.approverEmail ?? row.e.approvalRule ?? row.e.fallbackName ?? "rule",
      deliveredAt: row.e.deliveredAt,
      extensions,
      endedAt: row.e.endedAt,
      endReason: row.e.endReason,
      endedBy: row.e.endedBy,
      endNote: row.e.endNote,
      removalDeliveredAt: row.e.removalDeliveredAt,
      status: row.e.status,
      failedAt,
    },
    now,
  );
  const grant = operations.find((o) => o.action === "grant");
  return {
    ...row.e,
    holderName: row.holderName,
    holderEmail: row.holderEmail,
    approverName: row.approverName,
    approverEmail: row.approverEmail,
    /** who put it forward: the IT admin who proposed it, else the holder who asked, else who recorded it */
    proposedBy: row.proposerEmail
      ? `${row.proposerName} (${row.proposerEmail})`
      : row.e.source === "request" || row.e.source === "fallback"
        ? `${row.holderName} (asked)`
        : row.e.createdBy,
    requestNumber: row.requestNumber,
    templateKey: row.templateKey,
    counts: countsAsAccess(row.e, now),
    /** "revoked: <reason> by <who>", as the holder was told */
    endText: row.e.endedAt ? endReasonText(row.e) : null,
    daysRemaining: row.e.endedAt ? null : daysRemaining(row.e.expiresAt, now),
    decisionToDeliveryMs: row.e.deliveredAt ? row.e.deliveredAt.getTime() - row.e.approvedAt.getTime() : null,
    extensions,
    operations: operations.map((o) => ({
      id: o.id,
      action: o.action,
      status: o.status,
      attempts: o.attempts,
      lastError: o.lastError,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt,
      completedAt: o.completedAt,
      systemKey: o.systemKey,
    })),
    grantStatus: grant?.status ?? null,
    timeline,
  };
}

/** "My access", temporary part: each exception with its countdown, and what the holder can do. */
export async function myTemporaryAccess({
  ctx,
}: {
  ctx: ServiceContext & { actor: { type: "identity"; identityId: string } };
}) {
  const now = ctx.clock();
  const settings = await allTypeSettings(ctx.db);
  const [current, upcoming] = await Promise.all([
    activeExceptionsOf(ctx.db, ctx.actor.identityId, now),
    ctx.db
      .select({ id: accessExceptions.id })
      .from(accessExceptions)
      .where(
        and(
          eq(accessExceptions.identityId, ctx.actor.identityId),
          isNull(accessExceptions.endedAt),
          gt(accessExceptions.startsAt, now),
        ),
      ),
  ]);
  const pendingExtensions = await ctx.db
    .select({ templateId: accessRequests.templateId, number: accessRequests.number, id: accessRequests.id })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.requesterId, ctx.actor.identityId),
        eq(accessRequests.kind, "extension"),
        inArray(accessRequests.status, ["pending", "needs_info"]),
      ),
    );
  return {
    upcoming: upcoming.length,
    exceptions: current.map(({ e, templateKey, approverName }) => {
      const typeSettings = e.type === "fallback" ? null : settings[e.type as keyof typeof settings];
      const pending = pendingExtensions.find((p) => p.templateId === e.templateId);
      return {
        id: e.id,
        number: e.number,
        resourceKey: e.resourceKey,
        level: e.level,
        type: e.type,
        status: e.status,
        references: e.references as Record<string, string>,
        justification: e.justification,
        approverName: approverName ?? e.approvalRule ?? e.fallbackName,
        expiresAt: e.expiresAt,
        daysRemaining: daysRemaining(e.expiresAt, now),
        msRemaining: e.expiresAt.getTime() - now.getTime(),
        extensionsUsed: e.extensionsUsed,
        canExtend: Boolean(templateKey && typeSettings?.extensible && e.extensionsUsed < 4) && !pending,
        extendAt: templateKey ? `/request/${templateKey}` : null,
        pendingExtension: pending ? { id: pending.id, number: pending.number } : null,
      };
    }),
  };
}

/** Open exceptions on resources the signed-in person owns: the owner may revoke them. */
export async function exceptionsOnMyResources({
  ctx,
}: {
  ctx: ServiceContext & { actor: { type: "identity"; identityId: string } };
}) {
  const now = ctx.clock();
  const rows = await ctx.db
    .select({
      id: accessExceptions.id,
      number: accessExceptions.number,
      resourceKey: accessExceptions.resourceKey,
      type: accessExceptions.type,
      expiresAt: accessExceptions.expiresAt,
      justification: accessExceptions.justification,
      holderName: holder.displayName,
      holderEmail: holder.email,
    })
    .from(accessExceptions)
    .innerJoin(resources, eq(resources.key, accessExceptions.resourceKey))
    .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
    .where(and(eq(resources.ownerId, ctx.actor.identityId), isNull(accessExceptions.endedAt)))
    .orderBy(asc(accessExceptions.expiresAt));
  return rows.map((r) => ({ ...r, msRemaining: r.expiresAt.getTime() - now.getTime() }));
}
