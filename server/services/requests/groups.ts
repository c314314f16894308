import { asc, eq, inArray, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { approverGroupMembers, approverGroups, identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/** Approver groups with their members in order (the order first_n and round_robin follow). */
export async function listApproverGroups({ ctx }: { ctx: ServiceContext }) {
  const [groups, members] = await Promise.all([
    ctx.db.select().from(approverGroups).orderBy(asc(approverGroups.name)),
    ctx.db
      .select({
        groupKey: approverGroupMembers.groupKey,
        id: identities.id,
        displayName: identities.displayName,
        email: identities.email,
        status: identities.employmentStatus,
      })
      .from(approverGroupMembers)
      .innerJoin(identities, eq(identities.id, approverGroupMembers.identityId))
      .orderBy(approverGroupMembers.position, identities.displayName),
  ]);
  return groups.map((g) => ({ ...g, members: members.filter((m) => m.groupKey === g.key) }));
}

/** Creates a group or replaces its name, description and members (by email, in order), recorded in the audit trail. */
export async function saveApproverGroup({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; name: string; description: string; memberEmails: string[] };
}) {
  const emails = [...new Set(input.memberEmails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  const people = emails.length
    ? await ctx.db
        .select({ id: identities.id, email: identities.email })
        .from(identities)
        .where(inArray(sql`lower(${identities.email})`, emails))
    : [];
  const missing = emails.find((e) => !people.some((p) => p.email.toLowerCase() === e));
  if (missing)
    throw new DomainError("INVALID_INPUT", `memberEmails: nobody has the email ${missing}`, { field: "memberEmails" });
  const ordered = emails.map((e) => people.find((p) => p.email.toLowerCase() === e)!);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(approverGroups).where(eq(approverGroups.key, input.key)).for("update");
    const before = existing
      ? (
          await tx
            .select({ id: approverGroupMembers.identityId })
            .from(approverGroupMembers)
            .where(eq(approverGroupMembers.groupKey, input.key))
        ).map((m) => m.id)
      : null;
    if (existing)
      await tx
        .update(approverGroups)
        .set({ name: input.name.trim(), description: input.description.trim() })
        .where(eq(approverGroups.key, input.key));
    else
      await tx
        .insert(approverGroups)
        .values({ key: input.key, name: input.name.trim(), description: input.description.trim() });
    await tx.delete(approverGroupMembers).where(eq(approverGroupMembers.groupKey, input.key));
    if (ordered.length)
      await tx
        .insert(approverGroupMembers)
        .values(ordered.map((p, i) => ({ groupKey: input.key, identityId: p.id, position: i })));
    await recordAuditEvent(tx, ctx, {
      action: existing ? "approver_group.updated" : "approver_group.created",
      subjectType: "approver_group",
      subjectId: input.key,
      before: existing ? { name: existing.name, members: before } : null,
      after: { name: input.name.trim(), members: ordered.map((p) => p.email) },
    });
    return { key: input.key, members: ordered.length };
  });
}
