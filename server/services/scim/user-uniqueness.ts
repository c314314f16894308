import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { ScimError } from "@/server/core/scim/errors";
import type { ScimProfile } from "@/server/core/scim/profile";
import { ENTERPRISE_SCHEMA } from "@/server/core/scim/schema";
import type { Tx } from "@/server/db/client";
import { identities, scimUserProfiles } from "@/server/db/schema";

export type Unique = {
  userName?: string;
  externalId?: string | null;
  email?: string;
  hrId?: { value: string; from: string };
};
export const hrIdOf = (value: string | undefined, profile: ScimProfile) =>
  value ? { value, from: profile.employeeNumber ? `${ENTERPRISE_SCHEMA}:employeeNumber` : "externalId" } : undefined;

/** Someone else holds `value` where `column` (of a profile, or of an identity no client has written) keeps it. */
async function taken(tx: Tx, where: ReturnType<typeof and>, exceptId?: string) {
  const [row] = await tx
    .select({ id: identities.id })
    .from(identities)
    .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
    .where(and(where, exceptId ? ne(identities.id, exceptId) : undefined))
    .limit(1);
  return Boolean(row);
}

export const uniqueness = (attribute: string, value: string) =>
  new ScimError("uniqueness", `${attribute}: another User already has ${value}`, { field: attribute });

/**
 * userName and externalId are unique (RFC 7643 §4.1.1, userName case-insensitively) across the
 * whole directory, and so are the sign-in email and the HR id Clearance keeps beside them; a
 * person no client has written has their email as userName and their HR id as externalId.
 * Another User holding one is a 409 uniqueness, worded the same whoever manages that User.
 */
export async function assertUnique(tx: Tx, values: Unique, exceptId?: string) {
  const implied = isNull(scimUserProfiles.identityId);
  const live = isNull(scimUserProfiles.deletedAt);
  if (values.userName) {
    const lower = values.userName.toLowerCase();
    const clash = or(
      and(live, sql`lower(${scimUserProfiles.userName}) = ${lower}`),
      and(implied, sql`lower(${identities.email}) = ${lower}`),
    );
    if (await taken(tx, clash, exceptId)) throw uniqueness("userName", values.userName);
  }
  if (values.externalId) {
    const clash = or(
      and(live, eq(scimUserProfiles.externalId, values.externalId)),
      and(implied, eq(identities.externalId, values.externalId)),
    );
    if (await taken(tx, clash, exceptId)) throw uniqueness("externalId", values.externalId);
  }
  if (values.email && (await taken(tx, sql`lower(${identities.email}) = ${values.email.toLowerCase()}`, exceptId)))
    throw uniqueness("emails", values.email);
  // The HR id comes from employeeNumber when the client sends one, else from its externalId.
  if (values.hrId && (await taken(tx, eq(identities.externalId, values.hrId.value), exceptId)))
    throw uniqueness(values.hrId.from, values.hrId.value);
}
