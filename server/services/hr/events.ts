import { and, asc, count, desc, eq, isNull, lte } from "drizzle-orm";
import { actorLabel, systemActor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { effectOf, hrEventSchema } from "@/server/core/identity/hr-events";
import type { Db, Tx } from "@/server/db/client";
import { directoryPulls, hrEvents, hrSources, identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { changeIdentityAttributes } from "../identities";
import { createIdentity } from "../identity-create";
import { takeOverAwaitingPerson } from "../identity-takeover";
import { newHrToken, tokenHash, unknownSourceToken } from "./tokens";
import { refusingUniqueViolation } from "../unique-violation";

/** IT registers an HR system; its bearer token is shown once and stored only as a hash. */
export async function createHrSource({ ctx, input }: { ctx: ServiceContext; input: { key: string; name: string } }) {
  if (!/^[a-z][a-z0-9-]*$/.test(input.key))
    throw new DomainError("INVALID_INPUT", "Use lowercase letters, digits and dashes for the key", { field: "key" });
  const token = newHrToken();
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(hrSources).where(eq(hrSources.key, input.key));
    if (existing) throw new DomainError("CONFLICT", `There is already an HR source "${input.key}"`, { field: "key" });
    await tx.insert(hrSources).values({
      key: input.key,
      name: input.name.trim() || input.key,
      tokenHash: tokenHash(token),
      createdAt: ctx.clock(),
      createdBy: actorLabel(ctx.actor),
    });
    await recordAuditEvent(tx, ctx, {
      action: "hr_source.created",
      subjectType: "hr_source",
      subjectId: input.key,
      after: { name: input.name },
    });
    return { key: input.key, token };
  });
}

/**
 * Applies one event in the caller's transaction: a new person, a change, or a termination. The
 * source reaches only the people it manages, checked here, when the event applies (a future-dated
 * event sees who manages the person, and whether the source is still trusted, on its day), under
 * the person's row lock so that a handover cannot slip in between. Someone it does not manage is
 * answered as someone who does not exist.
 */
async function applyEvent(tx: Tx, ctx: ServiceContext, row: typeof hrEvents.$inferSelect) {
  const effect = effectOf(hrEventSchema.parse(row.payload), row.receivedAt);
  const [source] = await tx
    .select({ revokedAt: hrSources.revokedAt })
    .from(hrSources)
    .where(eq(hrSources.key, row.sourceKey));
  if (source?.revokedAt)
    throw new DomainError("FORBIDDEN", "The HR source's token was revoked before this event applied", {
      field: "source",
    });
  const [person] = await tx
    .select({ id: identities.id, managedBy: identities.managedBy, awaitingSource: identities.awaitingSource })
    .from(identities)
    .where(eq(identities.externalId, effect.externalId))
    .for("update");
  const managed = person?.managedBy === row.sourceKey;
  // Someone IT added by hand with this email: the source takes them over and updates them.
  // (By this user id when IT gave the right one, else by the email.)
  const takenOver =
    effect.kind === "hire" && (!person || (person.awaitingSource && !person.managedBy))
      ? await takeOverAwaitingPerson(tx, ctx, {
          identityId: person?.id,
          email: effect.person?.email ?? `${effect.externalId}@${process.env.CLEARANCE_EMAIL_DOMAIN ?? "company.com"}`,
          externalId: effect.externalId,
          sourceKey: row.sourceKey,
          via: "hr_event",
        })
      : null;
  if (takenOver)
    await changeIdentityAttributes({
      ctx: { ...ctx, db: tx as unknown as Db },
      input: {
        identityId: takenOver,
        attributes: effect.attributes,
        source: "hr_event",
        sourceKey: row.sourceKey,
        effectiveAt: effect.effectiveAt,
        reason: effect.reason,
      },
    });
  else if (effect.kind === "hire" && !person)
    await hireOnce(() =>
      createIdentity(tx, ctx, {
        externalId: effect.externalId,
        email: effect.person?.email ?? null,
        displayName: effect.person?.displayName ?? null,
        attributes: effect.attributes,
        source: "hr_event",
        managedBy: row.sourceKey,
        effectiveAt: effect.effectiveAt,
        reason: effect.reason,
      }),
    );
  // A hire never takes over someone another source (or nobody) manages: user_id is unique, so
  // saying it is taken is unavoidable; it says no more (the same words as for an email taken).
  else if (effect.kind === "hire" && !managed)
    throw new DomainError("CONFLICT", `Another identity already has the user_id ${effect.externalId}`, {
      field: "user_id",
    });
  else if (!managed)
    throw new DomainError("NOT_FOUND", `No identity managed by this source has user_id ${effect.externalId}`, {
      field: "user_id",
    });
  else
    await changeIdentityAttributes({
      ctx: { ...ctx, db: tx as unknown as Db },
      input: {
        identityId: person!.id,
        attributes: effect.attributes,
        source: "hr_event",
        sourceKey: row.sourceKey,
        effectiveAt: effect.effectiveAt,
        reason: effect.reason,
      },
    });
  await tx
    .update(hrEvents)
    .set({ status: "applied", appliedAt: ctx.clock(), error: null })
    .where(eq(hrEvents.id, row.id));
}

/** Two hires of one person at once (two sources, or HR and SCIM): the loser hears what a taken id says. */
const hireOnce = <T>(hire: () => Promise<T>) =>
  refusingUniqueViolation(
    hire,
    () => new DomainError("CONFLICT", "Another identity already has this user_id or email", { field: "user_id" }),
  );

/** Applies an event, or records why it failed (the event stays for IT to see). */
async function applyOrFail(ctx: ServiceContext, id: number): Promise<"applied" | "failed" | "skipped"> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(hrEvents)
        .where(and(eq(hrEvents.id, id), eq(hrEvents.status, "waiting")))
        .for("update", { skipLocked: true });
      if (!row) return "skipped" as const;
      await applyEvent(tx, ctx, row);
      return "applied" as const;
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(hrEvents)
        .set({ status: "failed", error: message.slice(0, 1000) })
        .where(eq(hrEvents.id, id));
      await recordAuditEvent(tx, ctx, {
        action: "hr_event.failed",
        subjectType: "hr_event",
        subjectId: String(id),
        reason: message.slice(0, 1000),
      });
    });
    return "failed";
  }
}

/** The HR source a bearer token belongs to (HR events and SCIM share these tokens); refuses a missing, unknown or revoked one. */
export async function authenticateHrSource(db: Db, token: string | null): Promise<{ key: string; name: string }> {
  const [source] = token
    ? await db
        .select({ key: hrSources.key, name: hrSources.name })
        .from(hrSources)
        .where(and(eq(hrSources.tokenHash, tokenHash(token)), isNull(hrSources.revokedAt)))
    : [];
  if (!source) throw unknownSourceToken();
  return source;
}

/**
 * POST /api/hr/events (seed 001): authenticated by the source's bearer token, recognised by its
 * event id (a resend changes nothing), applied at once when effective, or kept until then.
 */
export async function receiveHrEvent({
  db,
  clock,
  input,
}: {
  db: Db;
  clock: () => Date;
  input: { token: string | null; eventId: string | null; body: unknown };
}) {
  const source = await authenticateHrSource(db, input.token);
  const parsed = hrEventSchema.safeParse(input.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "event";
    throw new DomainError("INVALID_INPUT", `${field}: ${issue.message}`, { field });
  }
  const eventId = input.eventId ?? parsed.data.event_id ?? null;
  if (!eventId)
    throw new DomainError(
      "INVALID_INPUT",
      "event_id: every event needs an id (Idempotency-Key header or event_id), so a resend is recognised",
      { field: "event_id" },
    );
  const ctx: ServiceContext = { db, clock, actor: systemActor(`hr:${source.key}`) };
  const now = clock();
  const effect = effectOf(parsed.data, now);
  const inserted = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(hrEvents)
      .values({
        sourceKey: source.key,
        eventId,
        type: parsed.data.event,
        externalId: effect.externalId,
        payload: parsed.data,
        effectiveAt: effect.effectiveAt,
        receivedAt: now,
        status: "waiting",
      })
      .onConflictDoNothing()
      .returning();
    if (row)
      await recordAuditEvent(tx, ctx, {
        action: "hr_event.received",
        subjectType: "hr_event",
        subjectId: String(row.id),
        after: {
          source: source.key,
          eventId,
          type: row.type,
          user: effect.externalId,
          effectiveAt: effect.effectiveAt.toISOString(),
        },
      });
    return row ?? null;
  });
  if (!inserted) {
    const [existing] = await db
      .select()
      .from(hrEvents)
      .where(and(eq(hrEvents.sourceKey, source.key), eq(hrEvents.eventId, eventId)));
    return {
      eventId,
      status: existing!.status,
      effectiveAt: existing!.effectiveAt,
      duplicate: true,
      error: existing!.error,
    };
  }
  const status = effect.effectiveAt <= now ? await applyOrFail(ctx, inserted.id) : "waiting";
  const [after] = await db.select().from(hrEvents).where(eq(hrEvents.id, inserted.id));
  return {
    eventId,
    status: status === "skipped" ? after!.status : status,
    effectiveAt: effect.effectiveAt,
    duplicate: false,
    error: after!.error,
  };
}

/** Future-dated events whose time has come, oldest first (the enforcement loop runs this). */
export async function applyDueHrEvents({ ctx }: { ctx: ServiceContext }): Promise<number> {
  const due = await ctx.db
    .select({ id: hrEvents.id })
    .from(hrEvents)
    .where(and(eq(hrEvents.status, "waiting"), lte(hrEvents.effectiveAt, ctx.clock())))
    .orderBy(asc(hrEvents.effectiveAt), asc(hrEvents.id));
  let applied = 0;
  for (const { id } of due) if ((await applyOrFail(ctx, id)) === "applied") applied++;
  return applied;
}

/** HR sources (with how many people each manages) and their recent events, for IT. */
export async function listHrSources({ ctx }: { ctx: ServiceContext }) {
  const [sources, events, managed] = await Promise.all([
    ctx.db
      .select({
        key: hrSources.key,
        name: hrSources.name,
        createdAt: hrSources.createdAt,
        createdBy: hrSources.createdBy,
        revokedAt: hrSources.revokedAt,
        scimSignInEmail: hrSources.scimSignInEmail,
        /** okta, entra or google when the source is a directory pull (it has no token in use) */
        pulledFrom: directoryPulls.kind,
      })
      .from(hrSources)
      .leftJoin(directoryPulls, eq(directoryPulls.sourceKey, hrSources.key))
      .orderBy(asc(hrSources.key)),
    ctx.db.select().from(hrEvents).orderBy(desc(hrEvents.id)).limit(100),
    ctx.db.select({ key: identities.managedBy, n: count() }).from(identities).groupBy(identities.managedBy),
  ]);
  const people = new Map(managed.map((m) => [m.key, m.n]));
  return {
    sources: sources.map((s) => ({ ...s, people: people.get(s.key) ?? 0 })),
    /** people no source manages (demo seed, CSV import, IT): no token reaches them */
    unmanaged: people.get(null) ?? 0,
    events: events.map(({ payload: _p, ...e }) => e),
  };
}
