import { or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
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

export const uniqueness = (attribute: string, value: string) =>
  new ScimError("uniqueness", `${attribute}: another User already has ${value}`, { field: attribute });

/**
 * userName and externalId are unique (RFC 7643 §4.1.1, userName case-insensitively) across the
 * whole directory, and so are the sign-in email and the HR id Clearance keeps beside them; a
 * person no client has written has their email as userName and their HR id as externalId.
 * Another User holding one is a 409 uniqueness, worded the same whoever manages that User.
 */
export async function assertUnique(tx: Tx, values: Unique, exceptId?: string) {
  await assertAllUnique(tx, [values], exceptId);
}

/** assertUnique for several new Users at once (a SCIM batch): one statement; the first clash is thrown. */
export async function assertAllUnique(tx: Tx, many: readonly Unique[], exceptId?: string) {
  if (many.length === 0) return;
  const other = (column: SQLWrapper) => (exceptId ? sql` and ${column} <> ${exceptId}` : sql``);
  // Each check is an exists() on one index (a left join with OR between its sides scans both tables).
  const live = sql`${scimUserProfiles.deletedAt} is null`;
  const profileHas = (where: SQL) =>
    sql`exists (select 1 from ${scimUserProfiles} where ${live} and ${where}${other(scimUserProfiles.identityId)})`;
  // a person no client has written: no profile, so their email and HR id stand for userName and externalId
  const noProfile = sql`not exists (select 1 from ${scimUserProfiles} p where p.identity_id = ${identities.id})`;
  const identityHas = (where: SQL, implied: boolean) => {
    const onlyImplied = implied ? sql` and ${noProfile}` : sql``;
    return sql`exists (select 1 from ${identities} where ${where}${other(identities.id)}${onlyImplied})`;
  };
  const checksOf = (values: Unique) => {
    const userName = values.userName?.toLowerCase();
    const email = values.email?.toLowerCase();
    return {
      userName: userName
        ? or(
            profileHas(sql`lower(${scimUserProfiles.userName}) = ${userName}`),
            identityHas(sql`lower(${identities.email}) = ${userName}`, true),
          )
        : undefined,
      externalId: values.externalId
        ? or(
            profileHas(sql`${scimUserProfiles.externalId} = ${values.externalId}`),
            identityHas(sql`${identities.externalId} = ${values.externalId}`, true),
          )
        : undefined,
      email: email ? identityHas(sql`lower(${identities.email}) = ${email}`, false) : undefined,
      hrId: values.hrId ? identityHas(sql`${identities.externalId} = ${values.hrId.value}`, false) : undefined,
    };
  };
  // One round trip for all of them: a column per check, named by check and User.
  const columns = many.flatMap((values, i) =>
    Object.entries(checksOf(values)).map(
      ([name, check]) => sql`${check ?? sql`false`} as ${sql.identifier(`${name}:${i}`)}`,
    ),
  );
  const [clash] = (await tx.execute<Record<string, boolean>>(sql`select ${sql.join(columns, sql`, `)}`)).rows;
  for (const [i, values] of many.entries()) {
    if (clash![`userName:${i}`]) throw uniqueness("userName", values.userName!);
    if (clash![`externalId:${i}`]) throw uniqueness("externalId", values.externalId!);
    if (clash![`email:${i}`]) throw uniqueness("emails", values.email!);
    // The HR id comes from employeeNumber when the client sends one, else from its externalId.
    if (clash![`hrId:${i}`]) throw uniqueness(values.hrId!.from, values.hrId!.value);
  }
}
