import { and, asc, eq, gt, isNull, lte } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { countsAsAccess } from "@/server/core/exceptions";
import type { DbOrTx } from "@/server/db/client";
import { accessExceptions, identities, requestTemplates } from "@/server/db/schema";

const approver = alias(identities, "approver");

/** A person's temporary access that counts now (invariant 4: by the clock, whatever the jobs did). */
export async function activeExceptionsOf(db: DbOrTx, identityId: string, now: Date) {
  const rows = await db
    .select({ e: accessExceptions, templateKey: requestTemplates.key, approverName: approver.displayName })
    .from(accessExceptions)
    .leftJoin(requestTemplates, eq(requestTemplates.id, accessExceptions.templateId))
    .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
    .where(
      and(
        eq(accessExceptions.identityId, identityId),
        isNull(accessExceptions.endedAt),
        lte(accessExceptions.startsAt, now),
        gt(accessExceptions.expiresAt, now),
      ),
    )
    .orderBy(asc(accessExceptions.expiresAt));
  return rows.filter((r) => countsAsAccess(r.e, now));
}
