import { asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { systemActor, type Actor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import { effectiveRoles } from "@/server/core/roles";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern } from "@/server/db/like";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { namedPeople } from "@/server/db/seed/people";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

async function findIdentityByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(identities)
    .where(sql`lower(${identities.email}) = lower(${email.trim()})`)
    .limit(1);
  return row ?? null;
}

/**
 * Decides whether an email may sign in: only an identity that exists and is Active may.
 * A refusal is recorded in the audit trail with its reason, then thrown as FORBIDDEN.
 */
export async function authorizeSignIn({
  ctx,
  input,
}: {
  ctx: Omit<ServiceContext, "actor">;
  input: { email: string | null | undefined; provider: string };
}) {
  const email = input.email?.trim() ?? "";
  const identity = email ? await findIdentityByEmail(ctx.db, email) : null;
  const refusal = !email
    ? "the sign-in response carried no email"
    : !identity
      ? "no identity has this email"
      : !isActiveStatus(identity.employmentStatus)
        ? `employment status is ${identity.employmentStatus}, not Active`
        : null;
  if (refusal) {
    await ctx.db.transaction((tx) =>
      recordAuditEvent(tx, { ...ctx, actor: systemActor("auth") }, {
        action: "auth.sign_in_refused",
        subjectType: "identity",
        subjectId: identity?.id ?? null,
        reason: refusal,
        context: { email, provider: input.provider },
      }),
    );
    throw new DomainError("FORBIDDEN", `Sign-in refused: ${refusal}`);
  }
  return { identityId: identity!.id, email: identity!.email, displayName: identity!.displayName };
}

export async function recordSignIn({ ctx, input }: { ctx: ServiceContext; input: { provider: string } }) {
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "auth.signed_in",
      subjectType: "identity",
      subjectId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
      context: { provider: input.provider },
    }),
  );
}

export async function recordSignOut({ ctx }: { ctx: ServiceContext }) {
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "auth.signed_out",
      subjectType: "identity",
      subjectId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
    }),
  );
}

/**
 * The acting person behind a session, re-read from the database on every request so that a
 * person who stopped being Active, or whose sessions were ended, is signed out at once.
 */
export async function loadActor(
  db: DbOrTx,
  identityId: string,
  sessionIssuedAt: Date,
): Promise<Extract<Actor, { type: "identity" }> | null> {
  const [identity] = await db.select().from(identities).where(eq(identities.id, identityId)).limit(1);
  if (!identity || !isActiveStatus(identity.employmentStatus)) return null;
  if (identity.sessionsValidAfter && sessionIssuedAt < identity.sessionsValidAfter) return null;
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

/** The acting person for an email at sign-in, or null when there is no Active identity. */
export async function actorForEmail(db: DbOrTx, email: string | null | undefined) {
  const identity = email ? await findIdentityByEmail(db, email) : null;
  return identity ? loadActor(db, identity.id, new Date()) : null;
}

/** People offered on the development sign-in page: the seeds' personas first, then a search. */
export async function listSignInCandidates({ ctx, input }: { ctx: ServiceContext; input: { search?: string } }) {
  const term = input.search?.trim();
  const featuredEmails = namedPeople.map((p) => p.email);
  const where = term
    ? or(
        ilike(identities.displayName, containsPattern(term)),
        ilike(identities.email, containsPattern(term)),
        ilike(identities.jobTitle, containsPattern(term)),
      )
    : inArray(identities.email, featuredEmails);
  const rows = await ctx.db
    .select({
      id: identities.id,
      email: identities.email,
      displayName: identities.displayName,
      jobTitle: identities.jobTitle,
      department: identities.department,
      employmentStatus: identities.employmentStatus,
      roles: sql<string[]>`coalesce(array_agg(${portalRoleAssignments.role}::text) filter (where ${portalRoleAssignments.role} is not null), '{}')`,
    })
    .from(identities)
    .leftJoin(portalRoleAssignments, eq(portalRoleAssignments.identityId, identities.id))
    .where(where)
    .groupBy(identities.id)
    .orderBy(asc(identities.displayName))
    .limit(30);
  const order = (email: string) => {
    const i = featuredEmails.indexOf(email);
    return i === -1 ? featuredEmails.length : i;
  };
  return rows
    .sort((a, b) => (term ? 0 : order(a.email) - order(b.email)))
    .map((r) => ({ ...r, active: isActiveStatus(r.employmentStatus) }));
}
