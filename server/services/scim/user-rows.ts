import { and, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import type { ScimProfile } from "@/server/core/scim/profile";
import type { ScimIdentity } from "@/server/core/scim/user";
import type { DbOrTx } from "@/server/db/client";
import { identities, scimUserProfiles } from "@/server/db/schema";
import type { SourceContext } from "../context";

/** Loading Users as SCIM sees them: the person, their manager's name, what the client said of them. */

export const manager = alias(identities, "manager");
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The one answer for a User that does not exist and for one the token's source does not manage. */
export const notFound = (id: string) => new DomainError("NOT_FOUND", `No User has id ${id}`, { field: "id" });

/** The people the token's source manages: every read and write is limited to them. */
export const managedBy = (ctx: SourceContext) => eq(identities.managedBy, ctx.sourceKey);
/** A User its client deleted is gone for SCIM (RFC 7644 §3.6), though the identity stays for audit. */
export const notDeleted = isNull(scimUserProfiles.deletedAt);
// The manager's name shows only when the same source manages the manager; the id (opaque) always
// does, as it is the person's own attribute. filter-sql.ts reads manager.displayName the same way.
export const managerJoin = and(eq(manager.id, identities.managerId), eq(manager.managedBy, identities.managedBy));
export const selection = { identity: identities, managerName: manager.displayName, profile: scimUserProfiles };
type Row = {
  identity: typeof identities.$inferSelect;
  managerName: string | null;
  profile: typeof scimUserProfiles.$inferSelect | null;
};

function profileOfRow(p: typeof scimUserProfiles.$inferSelect | null): ScimProfile | null {
  if (!p) return null;
  const { userName, externalId, displayName, name, emails, phoneNumbers, employeeNumber } = p;
  return { userName, externalId, displayName, name, emails, phoneNumbers, employeeNumber };
}

/** A person as loaded here: their SCIM User, and whether the client deleted it. */
export type StoredUser = ScimIdentity & { deleted: boolean };

export function scimIdentityOf(row: Row): StoredUser {
  const i = row.identity;
  return {
    id: i.id,
    externalId: i.externalId,
    email: i.email,
    displayName: i.displayName,
    department: i.department,
    jobTitle: i.jobTitle,
    team: i.team,
    location: i.location,
    employmentType: i.employmentType,
    employmentStatus: i.employmentStatus,
    jobLevel: i.jobLevel,
    hireDate: i.hireDate,
    costCenter: i.costCenter,
    trainings: i.trainings,
    manager: i.managerId ? { id: i.managerId, displayName: row.managerName } : null,
    profile: profileOfRow(row.profile),
    deleted: row.profile?.deletedAt != null,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

/** One User the source manages; locked for a write, so a handover waits for it (or it for the handover, then sees it). */
export async function loadIdentity(
  db: DbOrTx,
  ctx: SourceContext,
  id: string,
  opts: { forUpdate?: boolean; withDeleted?: boolean } = {},
): Promise<StoredUser> {
  if (!UUID.test(id)) throw notFound(id);
  const query = db
    .select(selection)
    .from(identities)
    .leftJoin(manager, managerJoin)
    .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
    .where(and(eq(identities.id, id), managedBy(ctx), opts.withDeleted ? undefined : notDeleted))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for("no key update", { of: identities }) : await query;
  if (!row) throw notFound(id);
  return scimIdentityOf(row);
}

/** Users the source manages, for answering a batch of writes (user-batches.ts): in the order of `ids`. */
export async function loadIdentities(db: DbOrTx, ctx: SourceContext, ids: string[]): Promise<StoredUser[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(selection)
    .from(identities)
    .leftJoin(manager, managerJoin)
    .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
    .where(and(inArray(identities.id, ids), managedBy(ctx), notDeleted));
  const byId = new Map(rows.map((r) => [r.identity.id, scimIdentityOf(r)]));
  return ids.map((id) => {
    const user = byId.get(id);
    if (!user) throw notFound(id);
    return user;
  });
}
