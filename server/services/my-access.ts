import { eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import { evaluateIdentity, prepareIdentity } from "@/server/core/policy";
import { sectionsFor } from "@/server/core/roles";
import { DEFAULT_TIME_ZONE } from "@/server/core/time";
import { attributeColumns, attributesOf } from "@/server/db/identity-columns";
import { identities } from "@/server/db/schema";
import { sharedWhileRunning, statementCache } from "@/server/db/statements";
import type { PersonContext } from "./context";
import { policyEngine } from "./policies";
import { zoneColumns } from "./time-zones";

/**
 * What the My access page shows about the signed-in person, each in one query (issue 14: the page's
 * batch is read on every visit). Their roles, name and email come from the session's actor.
 */

const manager = alias(identities, "manager");
const zones = zoneColumns(identities.id);

/** The person's HR attributes and manager: one statement of only those columns, built once per handle. */
const attributesStatement = statementCache((db) =>
  db
    .select({
      ...attributeColumns,
      managerId: manager.id,
      managerEmail: manager.email,
      managerName: manager.displayName,
      // The browser-rendered frame of the page shows times in the viewer's zone: it comes with them.
      preferredTimeZone: zones.preferred,
      organizationTimeZone: zones.organization,
    })
    .from(identities)
    .leftJoin(manager, eq(manager.id, identities.managerId))
    .where(eq(identities.id, sql.placeholder("id")))
    .limit(1)
    .prepare(""),
);

/** The page's batch asks for them twice at once (profile and expected access): one query. */
const attributesAndManager = sharedWhileRunning(async (db, identityId: string) => {
  const [row] = await attributesStatement(db, "").execute({ id: identityId });
  if (!row) throw new DomainError("NOT_FOUND", "No identity with this id", { field: "id" });
  return row;
});

/** The signed-in person: name, email, roles (from the session), HR attributes, manager, sections. */
export async function myProfile({ ctx }: { ctx: PersonContext }) {
  const row = await attributesAndManager(ctx.db, ctx.actor.identityId);
  return {
    id: ctx.actor.identityId,
    email: ctx.actor.email,
    displayName: ctx.actor.displayName,
    roles: ctx.actor.roles,
    attributes: attributesOf(row, row.managerEmail),
    manager: row.managerId ? { id: row.managerId, displayName: row.managerName!, email: row.managerEmail! } : null,
    sections: sectionsFor(ctx.actor.roles),
    /** the zone they chose (null: their browser's) and the organization's, as in `me.timeZone` */
    timeZone: { preferred: row.preferredTimeZone, organization: row.organizationTimeZone ?? DEFAULT_TIME_ZONE },
  };
}

/**
 * What policy gives the signed-in person, with the reason for each grant, and whether they are
 * Active (an inactive person gets nothing). Temporary access is exceptions.mine's.
 */
export async function myExpectedAccess({ ctx }: { ctx: PersonContext }) {
  const [engine, row] = await Promise.all([policyEngine(ctx.db), attributesAndManager(ctx.db, ctx.actor.identityId)]);
  const person = { id: ctx.actor.identityId, attributes: attributesOf(row, row.managerEmail) };
  const at = ctx.clock();
  return {
    versionId: engine.versionId,
    grants: evaluateIdentity(engine.compiled, person, at),
    active: prepareIdentity(engine.compiled.layout, person, at).active,
  };
}
