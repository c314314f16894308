import { and, eq, isNull, ne, notExists, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { Tx } from "@/server/db/client";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

/**
 * Someone IT added by hand before any source knew them (`awaiting_source`) is taken over by the
 * first HR event or SCIM request that names their email (issue 15, point 8): the source's user id
 * replaces the one IT gave, the source manages them from then on, and the caller then applies the
 * source's attributes as an update. Only people still awaiting a source can be taken over, once;
 * anyone else with that email stays a uniqueness conflict (docs/security/source-scoping.md). Never
 * someone holding a portal role (an IT admin CLEARANCE_ADMINS created, say): a source's token must
 * not come to manage, rename or terminate an administrator; IT hands them over by hand instead.
 * Returns the person's id, or null when there is no one to take over.
 */
export async function takeOverAwaitingPerson(
  tx: Tx,
  ctx: ServiceContext,
  input: {
    email: string;
    externalId: string;
    sourceKey: string;
    via: "hr_event" | "scim" | "pull";
    identityId?: string;
  },
): Promise<string | null> {
  const [person] = await tx
    .select({ id: identities.id, externalId: identities.externalId })
    .from(identities)
    .where(
      and(
        // The person IT gave this user id, or else the one with this email.
        input.identityId
          ? eq(identities.id, input.identityId)
          : sql`lower(${identities.email}) = ${input.email.toLowerCase()}`,
        eq(identities.awaitingSource, true),
        isNull(identities.managedBy),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(portalRoleAssignments)
            .where(eq(portalRoleAssignments.identityId, identities.id)),
        ),
      ),
    )
    .for("update");
  if (!person) return null;
  const [other] = await tx
    .select({ id: identities.id })
    .from(identities)
    .where(and(eq(identities.externalId, input.externalId), ne(identities.id, person.id)));
  if (other)
    throw new DomainError("CONFLICT", `Another identity already has the user_id ${input.externalId}`, {
      field: "user_id",
    });
  await tx
    .update(identities)
    .set({ externalId: input.externalId, managedBy: input.sourceKey, awaitingSource: false, updatedAt: ctx.clock() })
    .where(eq(identities.id, person.id));
  await recordAuditEvent(tx, ctx, {
    action: "identity.taken_over",
    subjectType: "identity",
    subjectId: person.id,
    before: { externalId: person.externalId, managedBy: null, addedByHand: true },
    after: { externalId: input.externalId, managedBy: input.sourceKey },
    reason: `The ${{ scim: "SCIM", hr_event: "HR", pull: "directory" }[input.via]} source ${input.sourceKey} sent this email: it manages them from now on`,
    context: { source: input.via },
  });
  return person.id;
}
