import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { daysRemaining } from "@/server/core/exceptions";
import { isExtensible } from "@/server/core/exceptions/patterns";
import type { ExceptionType } from "@/server/core/exceptions/types";
import {
  accessExceptions,
  accessRequests,
  exceptionTypeSettings,
  requestTemplates,
  resourceOwners,
  resources,
} from "@/server/db/schema";
import { statementCache } from "@/server/db/statements";
import { approver, exceptionHeadline, holder } from "./columns";
import type { ServiceContext } from "../context";

/**
 * The My access page's two exception lists (issue 14: read on every visit), each one query of
 * the columns the page shows.
 */

type MyContext = ServiceContext & { actor: { type: "identity"; identityId: string } };

const bound = { me: sql.placeholder("me"), now: sql.placeholder("now") };

/** Each exception of a person that counts now: one statement, built once per handle. */
const temporaryStatement = statementCache((db) =>
  db
    .select({
      ...exceptionHeadline,
      references: accessExceptions.references,
      justification: accessExceptions.justification,
      approvalRule: accessExceptions.approvalRule,
      fallbackName: accessExceptions.fallbackName,
      expiresAt: accessExceptions.expiresAt,
      extensionsUsed: accessExceptions.extensionsUsed,
      // IT's saved setting for the type, if any: read with the row rather than in a query of its own.
      storedExtensible: sql<boolean | null>`(
        select ${exceptionTypeSettings.extensible} from ${exceptionTypeSettings}
        where ${exceptionTypeSettings.type} = ${accessExceptions.type})`,
      templateKey: requestTemplates.key,
      approverName: approver.displayName,
      // The holder's extension request still open for the same template, if any (at most one is shown).
      pendingExtension: sql<{ id: string; number: number } | null>`(
        select json_build_object('id', ${accessRequests.id}, 'number', ${accessRequests.number})
        from ${accessRequests}
        where ${accessRequests.requesterId} = ${accessExceptions.identityId}
          and ${accessRequests.kind} = 'extension' and ${accessRequests.status} in ('pending', 'needs_info')
          and ${accessRequests.templateId} is not distinct from ${accessExceptions.templateId}
        limit 1)`,
    })
    .from(accessExceptions)
    .leftJoin(requestTemplates, eq(requestTemplates.id, accessExceptions.templateId))
    .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
    .where(
      // Counts as access now (invariant 4: by the clock, whatever the jobs did).
      and(
        eq(accessExceptions.identityId, bound.me),
        isNull(accessExceptions.endedAt),
        lte(accessExceptions.startsAt, bound.now),
        gt(accessExceptions.expiresAt, bound.now),
      ),
    )
    .orderBy(asc(accessExceptions.expiresAt))
    .prepare(""),
);

/** "My access", temporary part: each exception that counts now, with its countdown and what the holder can do. */
export async function myTemporaryAccess({ ctx }: { ctx: MyContext }) {
  const now = ctx.clock();
  const rows = await temporaryStatement(ctx.db, "").execute({ me: ctx.actor.identityId, now });
  return {
    exceptions: rows.map((e) => {
      const extensible = e.type !== "fallback" && isExtensible(e.type as ExceptionType, e.storedExtensible);
      return {
        id: e.id,
        number: e.number,
        resourceKey: e.resourceKey,
        level: e.level,
        type: e.type,
        status: e.status,
        references: e.references as Record<string, string>,
        justification: e.justification,
        approverName: e.approverName ?? e.approvalRule ?? e.fallbackName,
        expiresAt: e.expiresAt,
        daysRemaining: daysRemaining(e.expiresAt, now),
        msRemaining: e.expiresAt.getTime() - now.getTime(),
        extensionsUsed: e.extensionsUsed,
        canExtend: Boolean(e.templateKey && extensible && e.extensionsUsed < 4) && !e.pendingExtension,
        extendAt: e.templateKey ? `/request/${e.templateKey}` : null,
        pendingExtension: e.pendingExtension,
      };
    }),
  };
}

/** Open exceptions on resources a person owns: one statement, built once per handle. */
const onOwnedResourcesStatement = statementCache((db) =>
  db
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
    .innerJoin(resourceOwners, eq(resourceOwners.resourceId, resources.id))
    .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
    .where(and(eq(resourceOwners.identityId, bound.me), isNull(accessExceptions.endedAt)))
    .orderBy(asc(accessExceptions.expiresAt))
    .prepare(""),
);

/** Open exceptions on resources the signed-in person owns: the owner may revoke them. */
export async function exceptionsOnMyResources({ ctx }: { ctx: MyContext }) {
  const now = ctx.clock();
  const rows = await onOwnedResourcesStatement(ctx.db, "").execute({ me: ctx.actor.identityId });
  return rows.map((r) => ({ ...r, msRemaining: r.expiresAt.getTime() - now.getTime() }));
}
