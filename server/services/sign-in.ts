import { asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { devLoginEnabled } from "@/server/config";
import { systemActor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern } from "@/server/db/like";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { namedPeople } from "@/server/db/seed/people";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

export async function findIdentityByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(identities)
    .where(sql`lower(${identities.email}) = lower(${email.trim()})`)
    .limit(1);
  return row ?? null;
}

export interface SignInClaims {
  email: string | null | undefined;
  /** The provider's email_verified claim, when it sends one. */
  emailVerified?: boolean | null;
  provider: string;
}

/**
 * Decides whether a sign-in may proceed: only an Active identity whose email the provider
 * has not marked unverified. A refusal is recorded with its reason, then thrown as FORBIDDEN.
 */
export async function authorizeSignIn({ ctx, input }: { ctx: Omit<ServiceContext, "actor">; input: SignInClaims }) {
  const email = input.email?.trim() ?? "";
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
