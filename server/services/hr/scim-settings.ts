import { eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { SignInEmailFrom } from "@/server/core/scim/profile";
import { hrSources } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/**
 * IT says where a source's SCIM Users take their sign-in email from: the primary email (the
 * default; Entra ID sends the UPN as userName) or userName (clients that put the address there
 * and send no emails). It applies to the source's next writes; nobody's email changes now.
 */
export async function setScimSignInEmail({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; from: SignInEmailFrom };
}) {
  return ctx.db.transaction(async (tx) => {
    const [source] = await tx.select().from(hrSources).where(eq(hrSources.key, input.key)).for("update");
    if (!source) throw new DomainError("NOT_FOUND", `There is no HR source "${input.key}"`, { field: "key" });
    if (source.scimSignInEmail === input.from) return { key: source.key, from: input.from };
    await tx.update(hrSources).set({ scimSignInEmail: input.from }).where(eq(hrSources.key, source.key));
    await recordAuditEvent(tx, ctx, {
      action: "hr_source.scim_sign_in_changed",
      subjectType: "hr_source",
      subjectId: source.key,
      before: { scimSignInEmail: source.scimSignInEmail },
      after: { scimSignInEmail: input.from },
    });
    return { key: source.key, from: input.from };
  });
}
