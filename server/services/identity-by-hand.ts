import { DomainError } from "@/server/core/errors";
import { eq, sql } from "drizzle-orm";
import { identities } from "@/server/db/schema";
import type { ServiceContext } from "./context";
import { createIdentity } from "./identity-create";
import { refusingUniqueViolation } from "./unique-violation";

export interface PersonByHand {
  email: string;
  displayName: string;
  /** the HR system's id when IT knows it; otherwise the email stands in until a source takes them over */
  externalId?: string | null;
  /** HR attributes (department, job_title, location, employment_type, ...); manager is an email */
  attributes: Record<string, unknown>;
  reason: string;
}

/**
 * IT adds a person no HR feed has sent (yet): a contractor, the first administrators, a company
 * without an HR integration (issue 15, point 8). The audit trail says it was by hand and why;
 * policies evaluate them like anyone else; an HR or SCIM source that later sends the same email
 * takes them over (identity-takeover.ts).
 */
export async function addPersonByHand({ ctx, input }: { ctx: ServiceContext; input: PersonByHand }) {
  const email = input.email.trim().toLowerCase();
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("INVALID_INPUT", "Say why this person is added by hand", { field: "reason" });
  const externalId = input.externalId?.trim() || email;
  return conflictOnRace(email, () =>
    ctx.db.transaction(async (tx) => {
      // The email first: without a user id from IT the email stands in for it, and "the email is taken" is what IT needs to hear.
      const [sameEmail] = await tx
        .select({ id: identities.id })
        .from(identities)
        .where(sql`lower(${identities.email}) = ${email}`);
      if (sameEmail)
        throw new DomainError("CONFLICT", `Another identity already has the email ${email}`, { field: "email" });
      const [taken] = await tx
        .select({ id: identities.id })
        .from(identities)
        .where(eq(identities.externalId, externalId));
      if (taken)
        throw new DomainError("CONFLICT", `Another identity already has the user id ${externalId}`, {
          field: "externalId",
        });
      // Its audit event (identity.hired) says how: source "admin", reason "Added by hand: …".
      const row = await createIdentity(tx, ctx, {
        externalId,
        email,
        displayName: input.displayName.trim() || null,
        attributes: input.attributes,
        source: "admin",
        effectiveAt: ctx.clock(),
        reason: `Added by hand: ${reason}`,
      });
      return { id: row.id, email: row.email, displayName: row.displayName };
    }),
  );
}

/** Two IT admins adding the same person at once: the loser hears "taken", never a 500. */
const conflictOnRace = <T>(email: string, add: () => Promise<T>) =>
  refusingUniqueViolation(
    add,
    () =>
      new DomainError("CONFLICT", `Another identity already has the email ${email} or this user id`, {
        field: "email",
      }),
  );
