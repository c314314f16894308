import { asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { adminEmails, devLoginEnabled } from "@/server/config";
import { systemActor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import { containsPattern } from "@/server/db/like";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { namedPeople } from "@/server/db/seed/people";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

import { findIdentityByEmail } from "./identity-lookup";
import { activeItAdmins, grantInTransaction } from "./portal-roles";

export interface SignInClaims {
  email: string | null | undefined;
  /** The provider's email_verified claim, when it sends one. */
  emailVerified?: boolean | null;
  provider: string;
  /** The person's name as the provider gives it (a new identity for CLEARANCE_ADMINS is named so). */
  name?: string | null;
}

/**
 * Decides whether a sign-in may proceed: only an Active identity whose email the provider
 * has not marked unverified. A refusal is recorded with its reason, then thrown as FORBIDDEN.
 */
export async function authorizeSignIn({ ctx, input }: { ctx: Omit<ServiceContext, "actor">; input: SignInClaims }) {
  const email = input.email?.trim() ?? "";
  if (email && input.emailVerified !== false && adminEmails().has(email.toLowerCase()))
    await makeNamedAdmin(ctx, email, input.name ?? null);
  const identity = email ? await findIdentityByEmail(ctx.db, email) : null;
  const refusal = !email
    ? "the sign-in response carried no email"
    : input.emailVerified === false
      ? "the identity provider has not verified this email"
      : !identity
        ? `no identity has the email ${email}`
        : !isActiveStatus(identity.employmentStatus)
          ? `employment status is ${identity.employmentStatus}, not Active`
          : null;
  if (refusal) {
    await ctx.db.transaction((tx) =>
      recordAuditEvent(
        tx,
        { ...ctx, actor: systemActor("auth") },
        {
          action: "auth.sign_in_refused",
          subjectType: "identity",
          subjectId: identity?.id ?? null,
          reason: refusal,
          context: { email, provider: input.provider },
        },
      ),
    );
    throw new DomainError("FORBIDDEN", `Sign-in refused: ${refusal}`);
  }
  return identity!;
}

/**
 * A person CLEARANCE_ADMINS names becomes an IT admin as they sign in, and is created first when no
 * HR source has them yet (issue 15: how a new instance gets its first administrator). Someone who
 * is not Active gets nothing, and is refused below like anyone else.
 */
async function makeNamedAdmin(ctx: Omit<ServiceContext, "actor">, email: string, name: string | null) {
  const known = await findIdentityByEmail(ctx.db, email);
  if (known && !isActiveStatus(known.employmentStatus)) return;
  await ctx.db.transaction((tx) =>
    grantInTransaction(
      tx,
      { ...ctx, actor: systemActor("CLEARANCE_ADMINS") },
      { email, role: "it_admin", reason: "named in CLEARANCE_ADMINS", createWithName: name },
    ),
  );
}

/**
 * What the sign-in page of a new instance says: whether any Active person is an IT admin yet, and
 * how many people CLEARANCE_ADMINS names (not who: the page is public).
 */
export async function setupState({ ctx }: { ctx: Pick<ServiceContext, "db"> }) {
  return { needsFirstAdmin: (await activeItAdmins(ctx.db)) === 0, namedAdmins: adminEmails().size };
}

/** People offered on the development sign-in page: the seeds' personas first, then a search. */
export async function listSignInCandidates({
  ctx,
  input,
}: {
  ctx: Pick<ServiceContext, "db">;
  input: { search?: string };
}) {
  if (!devLoginEnabled()) throw new DomainError("NOT_FOUND", "Development sign-in is off");
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
      roles: sql<
        string[]
      >`coalesce(array_agg(${portalRoleAssignments.role}::text) filter (where ${portalRoleAssignments.role} is not null), '{}')`,
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
