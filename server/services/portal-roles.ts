import { and, eq, sql } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import type { DbOrTx, Tx } from "@/server/db/client";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { createIdentity } from "./identity-create";
import { findIdentityByEmail } from "./identity-lookup";

/** The roles an administrator grants (approver comes from being named on templates and groups). */
export const administeredRoles = ["it_admin", "auditor"] as const;
export type AdministeredRole = (typeof administeredRoles)[number];

export interface GrantRoleInput {
  email: string;
  role: AdministeredRole;
  reason: string;
  /** Create the person when no identity has the email yet (no HR feed yet), with this name. */
  createWithName?: string | null;
}

/**
 * Makes the person with `email` an IT admin or an auditor, audited with the reason. A person not
 * yet in Clearance is created when asked (`createWithName`), as IT adds people by hand; a person
 * who is not Active gets no role. Holding the role already changes nothing.
 */
export async function grantPortalRole({ ctx, input }: { ctx: ServiceContext; input: GrantRoleInput }) {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("INVALID_INPUT", "Say why the role is granted", { field: "reason" });
  return ctx.db.transaction((tx) => grantInTransaction(tx, ctx, { ...input, reason }));
}

export async function grantInTransaction(tx: Tx, ctx: ServiceContext, input: GrantRoleInput) {
  const email = input.email.trim().toLowerCase();
  let identity = await findIdentityByEmail(tx, email);
  let created = false;
  if (!identity) {
    if (input.createWithName === undefined)
      throw new DomainError("NOT_FOUND", `No identity has the email ${email}`, { field: "email" });
    identity = await createIdentity(tx, ctx, {
      externalId: email,
      email,
      displayName: input.createWithName?.trim() || null,
      attributes: {},
      source: "admin",
      effectiveAt: ctx.clock(),
      reason: input.reason,
    });
    created = true;
  }
  if (!isActiveStatus(identity.employmentStatus))
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${identity.displayName} is ${identity.employmentStatus}, not Active: only an Active person holds a portal role`,
      { field: "email" },
    );
  const granted = await tx
    .insert(portalRoleAssignments)
    .values({ identityId: identity.id, role: input.role, grantedAt: ctx.clock(), grantedBy: actorLabel(ctx.actor) })
    .onConflictDoNothing()
    .returning({ role: portalRoleAssignments.role });
  if (granted.length > 0)
    await recordAuditEvent(tx, ctx, {
      action: "portal_role.granted",
      subjectType: "identity",
      subjectId: identity.id,
      after: { role: input.role, email },
      reason: input.reason,
    });
  return { identityId: identity.id, displayName: identity.displayName, created, granted: granted.length > 0 };
}

/**
 * Takes IT admin or auditor away, audited with the reason. The last Active IT admin keeps the role:
 * without one, nobody could administer Clearance from the portal.
 */
export async function revokePortalRole({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { email: string; role: AdministeredRole; reason: string };
}) {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("INVALID_INPUT", "Say why the role is taken away", { field: "reason" });
  return ctx.db.transaction(async (tx) => {
    const identity = await findIdentityByEmail(tx, input.email);
    if (!identity) throw new DomainError("NOT_FOUND", `No identity has the email ${input.email}`, { field: "email" });
    if (input.role === "it_admin") {
      // Serializes removals of IT admin: two at once cannot each leave the other as the last one.
      await tx.execute(sql`select pg_advisory_xact_lock(${IT_ADMIN_LOCK})`);
      if ((await activeItAdmins(tx)) <= 1 && (await holds(tx, identity.id, "it_admin")))
        throw new DomainError(
          "PRECONDITION_FAILED",
          `${identity.displayName} is the last IT admin: make someone else IT admin first`,
          { field: "email" },
        );
    }
    const removed = await tx
      .delete(portalRoleAssignments)
      .where(and(eq(portalRoleAssignments.identityId, identity.id), eq(portalRoleAssignments.role, input.role)))
      .returning({ role: portalRoleAssignments.role });
    if (removed.length > 0)
      await recordAuditEvent(tx, ctx, {
        action: "portal_role.revoked",
        subjectType: "identity",
        subjectId: identity.id,
        before: { role: input.role, email: identity.email },
        reason,
      });
    return { identityId: identity.id, displayName: identity.displayName, revoked: removed.length > 0 };
  });
}

/** How many Active people are IT admins: zero means a new instance that needs its first one. */
export async function activeItAdmins(db: DbOrTx): Promise<number> {
  const rows = await db
    .select({ status: identities.employmentStatus })
    .from(portalRoleAssignments)
    .innerJoin(identities, eq(identities.id, portalRoleAssignments.identityId))
    .where(eq(portalRoleAssignments.role, "it_admin"));
  // Active as isActiveStatus reads it: HR spells the status in several ways.
  return rows.filter((r) => isActiveStatus(r.status)).length;
}

const holds = async (tx: Tx, identityId: string, role: AdministeredRole) =>
  (
    await tx
      .select({ role: portalRoleAssignments.role })
      .from(portalRoleAssignments)
      .where(and(eq(portalRoleAssignments.identityId, identityId), eq(portalRoleAssignments.role, role)))
  ).length > 0;

const IT_ADMIN_LOCK = 7_414_015;

/** Everyone holding IT admin (notifyPeople leaves out who is not Active): who is told of work for IT. */
export async function itAdminIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: portalRoleAssignments.identityId })
    .from(portalRoleAssignments)
    .where(eq(portalRoleAssignments.role, "it_admin"));
  return rows.map((r) => r.id);
}
