import { and, eq, sql } from "drizzle-orm";
import type { ScimProfile, SignInEmailFrom } from "@/server/core/scim/profile";
import type { DbOrTx, Tx } from "@/server/db/client";
import { hrSources, identities, scimUserProfiles } from "@/server/db/schema";
import type { SourceContext } from "../context";

/** What a SCIM client said of its people (scim_user_profiles), and the source's sign-in setting. */
/** Where the source's Users take their sign-in email from (hr_sources.scim_sign_in_email). */
export async function signInFromOf(db: DbOrTx, ctx: SourceContext): Promise<SignInEmailFrom> {
  const [row] = await db
    .select({ from: hrSources.scimSignInEmail })
    .from(hrSources)
    .where(eq(hrSources.key, ctx.sourceKey));
  return row?.from === "user_name" ? "user_name" : "primary_email";
}

/** Writes the client's view of the person: one row per person, replaced on every write. */
export async function saveProfile(tx: Tx, identityId: string, profile: ScimProfile) {
  const values = { ...profile, deletedAt: null };
  await tx
    .insert(scimUserProfiles)
    .values({ identityId, ...values })
    .onConflictDoUpdate({ target: scimUserProfiles.identityId, set: values });
}

/**
 * A POST for someone this source deleted over SCIM (the same sign-in email, still its person):
 * the client re-creates them, so they come back (a rehire) rather than clash with themselves.
 */
export async function deletedBySource(tx: Tx, ctx: SourceContext, email: string): Promise<string | null> {
  const [row] = await tx
    .select({ id: identities.id })
    .from(identities)
    .innerJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
    .where(
      and(
        sql`lower(${identities.email}) = ${email}`,
        eq(identities.managedBy, ctx.sourceKey),
        sql`${scimUserProfiles.deletedAt} is not null`,
      ),
    )
    .for("update", { of: identities });
  return row?.id ?? null;
}
