import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import { isSaneDate, saneDateMessage } from "@/server/core/input/dates";
import { delegations, identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";

type Ctx = PersonContext;

const delegator = alias(identities, "delegator");
const delegate = alias(identities, "delegate");

/** The signed-in person's out-of-office delegations, and those where they stand in for someone. */
export async function listDelegations({ ctx }: { ctx: Ctx }) {
  const rows = await ctx.db
    .select({
      id: delegations.id,
      startsAt: delegations.startsAt,
      endsAt: delegations.endsAt,
      endedAt: delegations.endedAt,
      reason: delegations.reason,
      delegatorId: delegations.delegatorId,
      delegatorName: delegator.displayName,
      delegateName: delegate.displayName,
      delegateEmail: delegate.email,
    })
    .from(delegations)
    .innerJoin(delegator, eq(delegator.id, delegations.delegatorId))
    .innerJoin(delegate, eq(delegate.id, delegations.delegateId))
    .where(or(eq(delegations.delegatorId, ctx.actor.identityId), eq(delegations.delegateId, ctx.actor.identityId)))
    .orderBy(desc(delegations.startsAt))
    .limit(100);
  const now = ctx.clock();
  return rows.map((r) => ({
    ...r,
    mine: r.delegatorId === ctx.actor.identityId,
    state: r.endedAt || r.endsAt <= now ? "over" : r.startsAt <= now ? "in force" : "planned",
  }));
}

/** The same day and time a calendar year later (29 February runs to 1 March). */
function oneYearAfter(date: Date): Date {
  const later = new Date(date);
  later.setUTCFullYear(later.getUTCFullYear() + 1);
  return later;
}

/**
 * While I am away, `delegateEmail` decides what waits for me. The delegate must be another
 * Active person; periods of one person may not overlap. A delegate never decides the
 * delegator's own requests (enforced when deciding). A delegation lasts at most a year.
 */
export async function createDelegation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { delegateEmail: string; startsAt: Date; endsAt: Date; reason: string };
}) {
  for (const field of ["startsAt", "endsAt"] as const) {
    if (!isSaneDate(input[field])) throw new DomainError("INVALID_INPUT", `${field}: ${saneDateMessage}`, { field });
  }
  if (input.endsAt <= input.startsAt)
    throw new DomainError("INVALID_INPUT", "endsAt: the end must be after the start", { field: "endsAt" });
  // A standing hand-over of someone's decisions is a role change, not an absence: it needs renewing.
  if (input.endsAt > oneYearAfter(input.startsAt))
    throw new DomainError("INVALID_INPUT", "endsAt: a delegation lasts at most a year", { field: "endsAt" });
  if (input.endsAt <= ctx.clock())
    throw new DomainError("INVALID_INPUT", "endsAt: the end is in the past", { field: "endsAt" });
  const [person] = await ctx.db
    .select({ id: identities.id, status: identities.employmentStatus, displayName: identities.displayName })
    .from(identities)
    .where(sql`lower(${identities.email}) = ${input.delegateEmail.trim().toLowerCase()}`);
  if (!person)
    throw new DomainError("INVALID_INPUT", `delegateEmail: nobody has the email ${input.delegateEmail}`, {
      field: "delegateEmail",
    });
  if (person.id === ctx.actor.identityId)
    throw new DomainError("INVALID_INPUT", "delegateEmail: choose someone other than yourself", {
      field: "delegateEmail",
    });
  if (!isActiveStatus(person.status))
    throw new DomainError("INVALID_INPUT", `delegateEmail: ${person.displayName} is not Active`, {
      field: "delegateEmail",
    });
  return ctx.db.transaction(async (tx) => {
    // Serializes one person's delegations so two overlapping ones cannot both pass the check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`delegation:${ctx.actor.identityId}`}))`);
    const [overlap] = await tx
      .select({ id: delegations.id })
      .from(delegations)
      .where(
        and(
          eq(delegations.delegatorId, ctx.actor.identityId),
          isNull(delegations.endedAt),
          lt(delegations.startsAt, input.endsAt),
          gt(delegations.endsAt, input.startsAt),
        ),
      );
    if (overlap)
      throw new DomainError("CONFLICT", "startsAt: you already have a delegation in these dates; end it first", {
        field: "startsAt",
      });
    const [row] = await tx
      .insert(delegations)
      .values({
        delegatorId: ctx.actor.identityId,
        delegateId: person.id,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        reason: input.reason.trim(),
        createdAt: ctx.clock(),
      })
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "delegation.created",
      subjectType: "delegation",
      subjectId: row!.id,
      after: {
        delegate: input.delegateEmail.toLowerCase(),
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
      },
      reason: input.reason.trim() || null,
    });
    return row!;
  });
}

/** Ends one of my delegations now (I am back early, or I chose the wrong person). */
export async function endDelegation({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(delegations).where(eq(delegations.id, input.id)).for("update");
    if (!row || row.delegatorId !== ctx.actor.identityId)
      throw new DomainError("NOT_FOUND", "There is no such delegation of yours", { field: "id" });
    if (row.endedAt) return row;
    const [ended] = await tx
      .update(delegations)
      .set({ endedAt: ctx.clock() })
      .where(eq(delegations.id, row.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "delegation.ended",
      subjectType: "delegation",
      subjectId: row.id,
      before: { endedAt: null },
      after: { endedAt: ended!.endedAt!.toISOString() },
    });
    return ended!;
  });
}
