import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Actor } from "@/server/core/actor";
import { isActiveStatus } from "@/server/core/identity/status";
import { effectiveRoles, type GrantableRole } from "@/server/core/roles";
import type { DbOrTx, Tx } from "@/server/db/client";
import { identities, portalRoleAssignments, portalSessions } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

export type IdentityActor = Extract<Actor, { type: "identity" }>;
export type SessionEndReason = "signed_out" | "terminated" | "not_active" | "ended_by_admin";

/** The acting person for an identity, or null when it is not Active. */
export async function actorForIdentity(db: DbOrTx, identityId: string): Promise<IdentityActor | null> {
  const [identity] = await db.select().from(identities).where(eq(identities.id, identityId)).limit(1);
  if (!identity || !isActiveStatus(identity.employmentStatus)) return null;
  const roles = await db
    .select({ role: portalRoleAssignments.role })
    .from(portalRoleAssignments)
    .where(eq(portalRoleAssignments.identityId, identityId));
  return {
    type: "identity",
    identityId: identity.id,
    email: identity.email,
    displayName: identity.displayName,
    roles: effectiveRoles(roles.map((r) => r.role)),
  };
}

/** A live session's person and when the session expires. */
export interface SessionActor {
  actor: IdentityActor;
  expiresAt: Date;
}

/**
 * The person behind a session and its expiry, in one query: null once the session was ended or
 * expired, or the person stopped being Active.
 */
export async function loadSessionActor(db: DbOrTx, sessionId: string, now: Date): Promise<SessionActor | null> {
  const r = portalRoleAssignments;
  const [row] = await db
    .select({
      identityId: identities.id,
      email: identities.email,
      displayName: identities.displayName,
      status: identities.employmentStatus,
      expiresAt: portalSessions.expiresAt,
      roles: sql<
        GrantableRole[] | null
      >`(select json_agg(${r.role}) from ${r} where ${r.identityId} = ${identities.id})`,
    })
    .from(portalSessions)
    .innerJoin(identities, eq(identities.id, portalSessions.identityId))
    .where(and(eq(portalSessions.id, sessionId), isNull(portalSessions.endedAt), gt(portalSessions.expiresAt, now)))
    .limit(1);
  if (!row || !isActiveStatus(row.status)) return null;
  return {
    actor: {
      type: "identity",
      identityId: row.identityId,
      email: row.email,
      displayName: row.displayName,
      roles: effectiveRoles(row.roles ?? []),
    },
    expiresAt: row.expiresAt,
  };
}

/**
 * The person behind a session cookie, re-read from the database: null once the session was
 * ended or expired, or the person stopped being Active, whatever the cookie still says.
 * Requests go through the cache in session-cache.ts, which LISTEN/NOTIFY keeps exact.
 */
export async function actorForSession(db: DbOrTx, sessionId: string, now: Date): Promise<IdentityActor | null> {
  return (await loadSessionActor(db, sessionId, now))?.actor ?? null;
}

/** Opens a session for a person who was allowed to sign in, and records the sign-in. */
export async function startSession({
  ctx,
  input,
}: {
  ctx: ServiceContext & { actor: IdentityActor };
  input: { provider: string; lifetimeSeconds: number };
}): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock();
    const [session] = await tx
      .insert(portalSessions)
      .values({
        identityId: ctx.actor.identityId,
        provider: input.provider,
        startedAt: now,
        expiresAt: new Date(now.getTime() + input.lifetimeSeconds * 1000),
        ip: ctx.request?.ip ?? null,
        userAgent: ctx.request?.userAgent ?? null,
      })
      .returning({ id: portalSessions.id });
    await recordAuditEvent(tx, ctx, {
      action: "auth.signed_in",
      subjectType: "identity",
      subjectId: ctx.actor.identityId,
      context: { provider: input.provider, sessionId: session!.id },
    });
    return session!.id;
  });
}

/** Ends one session (signing out): the cookie stops working at once, on every copy of it. */
export async function endSession({ ctx, input }: { ctx: Omit<ServiceContext, "actor">; input: { sessionId: string } }) {
  await ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(portalSessions)
      .set({ endedAt: ctx.clock(), endReason: "signed_out" })
      .where(and(eq(portalSessions.id, input.sessionId), isNull(portalSessions.endedAt)))
      .returning({ identityId: portalSessions.identityId });
    if (!ended) return;
    const actor = (await actorForIdentity(tx, ended.identityId)) ?? { type: "system" as const, name: "auth" };
    await recordAuditEvent(
      tx,
      { ...ctx, actor },
      {
        action: "auth.signed_out",
        subjectType: "identity",
        subjectId: ended.identityId,
        context: { sessionId: input.sessionId },
      },
    );
  });
}

/** Ends every open session of a person inside the caller's transaction (termination, admin). */
export async function endSessionsOf(tx: Tx, identityId: string, reason: SessionEndReason, now: Date): Promise<number> {
  const ended = await tx
    .update(portalSessions)
    .set({ endedAt: now, endReason: reason })
    .where(and(eq(portalSessions.identityId, identityId), isNull(portalSessions.endedAt)))
    .returning({ id: portalSessions.id });
  return ended.length;
}
