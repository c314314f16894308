import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { identities, portalRoleAssignments, portalRoleProposals } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { PersonContext } from "./context";
import { findIdentityByEmail } from "./identity-lookup";
import { requiresSecondApproval } from "./policies/versions";
import {
  grantInTransaction,
  grantPortalRole,
  itAdminIds,
  revokePortalRole,
  type AdministeredRole,
} from "./portal-roles";
import { notifyPeople } from "./requests/notify";

/**
 * The Portal roles page (issue 15, point 5): who is IT admin or auditor, granting and revoking
 * with a reason (portal-roles.ts keeps the last IT admin), and, while "a second IT admin approves
 * policy changes" is on, a new IT admin only on a second IT admin's approval.
 */

const proposer = alias(identities, "proposer");

export async function listPortalRoles({ ctx }: { ctx: PersonContext }) {
  const [holders, pending, secondApproval] = await Promise.all([
    ctx.db
      .select({
        identityId: identities.id,
        displayName: identities.displayName,
        email: identities.email,
        employmentStatus: identities.employmentStatus,
        role: portalRoleAssignments.role,
        grantedAt: portalRoleAssignments.grantedAt,
        grantedBy: portalRoleAssignments.grantedBy,
      })
      .from(portalRoleAssignments)
      .innerJoin(identities, eq(identities.id, portalRoleAssignments.identityId))
      .where(inArray(portalRoleAssignments.role, ["it_admin", "auditor"])),
    ctx.db
      .select({
        id: portalRoleProposals.id,
        role: portalRoleProposals.role,
        reason: portalRoleProposals.reason,
        proposedAt: portalRoleProposals.proposedAt,
        proposedById: portalRoleProposals.proposedBy,
        proposedBy: proposer.displayName,
        identityId: identities.id,
        displayName: identities.displayName,
        email: identities.email,
      })
      .from(portalRoleProposals)
      .innerJoin(identities, eq(identities.id, portalRoleProposals.identityId))
      .innerJoin(proposer, eq(proposer.id, portalRoleProposals.proposedBy))
      .where(eq(portalRoleProposals.status, "pending"))
      .orderBy(asc(portalRoleProposals.proposedAt)),
    requiresSecondApproval(ctx.db),
  ]);
  const byName = (a: { displayName: string }, b: { displayName: string }) => a.displayName.localeCompare(b.displayName);
  return {
    itAdmins: holders.filter((h) => h.role === "it_admin").sort(byName),
    auditors: holders.filter((h) => h.role === "auditor").sort(byName),
    pending: pending.map((p) => ({ ...p, mine: p.proposedById === ctx.actor.identityId })),
    secondApproval,
  };
}

/**
 * Grants a role, or, for IT admin while second-admin approval is on, proposes it: the other IT
 * admins are told, and the role is granted when one of them approves.
 */
export async function grantOrProposePortalRole({
  ctx,
  input,
}: {
  ctx: PersonContext;
  input: { email: string; role: AdministeredRole; reason: string };
}): Promise<{ status: "granted" | "already" | "pending"; displayName: string }> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("INVALID_INPUT", "Say why the role is granted", { field: "reason" });
  if (input.role !== "it_admin" || !(await requiresSecondApproval(ctx.db))) {
    const granted = await grantPortalRole({ ctx, input: { ...input, reason } });
    return { status: granted.granted ? "granted" : "already", displayName: granted.displayName };
  }
  return ctx.db.transaction(async (tx) => {
    const person = await findIdentityByEmail(tx, input.email);
    if (!person) throw new DomainError("NOT_FOUND", `No identity has the email ${input.email}`, { field: "email" });
    const [holding] = await tx
      .select({ role: portalRoleAssignments.role })
      .from(portalRoleAssignments)
      .where(and(eq(portalRoleAssignments.identityId, person.id), eq(portalRoleAssignments.role, "it_admin")));
    if (holding) return { status: "already" as const, displayName: person.displayName };
    const [proposal] = await tx
      .insert(portalRoleProposals)
      .values({
        identityId: person.id,
        role: "it_admin",
        reason,
        proposedBy: ctx.actor.identityId,
        proposedAt: ctx.clock(),
      })
      .onConflictDoNothing()
      .returning({ id: portalRoleProposals.id });
    if (!proposal)
      throw new DomainError(
        "CONFLICT",
        `${person.displayName} is already proposed as IT admin, waiting for a second IT admin`,
        {
          field: "email",
        },
      );
    await recordAuditEvent(tx, ctx, {
      action: "portal_role.proposed",
      subjectType: "identity",
      subjectId: person.id,
      after: { role: "it_admin", email: person.email },
      reason,
      context: { proposalId: proposal.id },
    });
    const others = (await itAdminIds(tx)).filter((id) => id !== ctx.actor.identityId && id !== person.id);
    await notifyPeople(
      tx,
      others,
      {
        kind: "portal_role_proposed",
        title: `${ctx.actor.displayName} proposes ${person.displayName} as IT admin`,
        body: `Why: ${reason}\nA second IT admin approves or rejects it on the Portal roles page.`,
        link: "/portal-roles",
      },
      ctx.clock(),
    );
    return { status: "pending" as const, displayName: person.displayName };
  });
}

/** A second IT admin approves (the role is granted) or rejects a proposal; never the proposer or the person proposed. */
export async function decidePortalRoleProposal({
  ctx,
  input,
}: {
  ctx: PersonContext;
  input: { proposalId: string; decision: "approve" | "reject"; note?: string | null };
}) {
  return ctx.db.transaction(async (tx) => {
    const [proposal] = await tx
      .select()
      .from(portalRoleProposals)
      .where(eq(portalRoleProposals.id, input.proposalId))
      .for("update");
    if (!proposal) throw new DomainError("NOT_FOUND", "There is no such proposal", { field: "proposalId" });
    if (proposal.status !== "pending")
      throw new DomainError("CONFLICT", `This proposal was already ${proposal.status}`, { field: "proposalId" });
    if (proposal.proposedBy === ctx.actor.identityId)
      throw new DomainError("FORBIDDEN", "A second IT admin decides: you cannot decide your own proposal", {
        field: "proposalId",
      });
    if (proposal.identityId === ctx.actor.identityId)
      throw new DomainError("FORBIDDEN", "You cannot decide a proposal that makes you IT admin", {
        field: "proposalId",
      });
    const [person] = await tx.select().from(identities).where(eq(identities.id, proposal.identityId));
    const note = input.note?.trim() || null;
    if (input.decision === "approve")
      await grantInTransaction(tx, ctx, {
        email: person!.email,
        role: proposal.role as AdministeredRole,
        reason: `${proposal.reason} (approved by ${actorLabel(ctx.actor)})`,
      });
    await tx
      .update(portalRoleProposals)
      .set({
        status: input.decision === "approve" ? "approved" : "rejected",
        decidedBy: ctx.actor.identityId,
        decidedAt: ctx.clock(),
        decisionNote: note,
      })
      .where(eq(portalRoleProposals.id, proposal.id));
    await recordAuditEvent(tx, ctx, {
      action: input.decision === "approve" ? "portal_role.proposal_approved" : "portal_role.proposal_rejected",
      subjectType: "identity",
      subjectId: proposal.identityId,
      after: { role: proposal.role, email: person!.email },
      reason: note ?? proposal.reason,
      context: { proposalId: proposal.id },
    });
    return { status: input.decision === "approve" ? ("approved" as const) : ("rejected" as const) };
  });
}

export { revokePortalRole };
