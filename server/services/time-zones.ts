import { eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import { canonicalTimeZone, DEFAULT_TIME_ZONE, endOfDayIn, timeZoneMessage } from "@/server/core/time";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import { identityPreferences, organizationSettings } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { PersonContext, ServiceContext } from "./context";

/** The organization's zone: where the days people give begin and end; UTC until an IT admin sets it. */
export async function organizationTimeZone(db: DbOrTx): Promise<string> {
  const [row] = await db.select({ timeZone: organizationSettings.timeZone }).from(organizationSettings).limit(1);
  return row?.timeZone ?? DEFAULT_TIME_ZONE;
}

/** The zone a person chose for themselves, or null for "use my browser's". */
export async function preferredTimeZoneOf(db: DbOrTx, identityId: string): Promise<string | null> {
  const [row] = await db
    .select({ timeZone: identityPreferences.timeZone })
    .from(identityPreferences)
    .where(eq(identityPreferences.identityId, identityId));
  return row?.timeZone ?? null;
}

/**
 * A person's own zone and the organization's as two scalar subqueries, for a statement that reads
 * them along with other columns (viewerZones; the My access profile). `identityId` is a value or a
 * column of the outer query.
 */
export function zoneColumns(identityId: SQLWrapper | string) {
  const p = identityPreferences;
  const o = organizationSettings;
  return {
    preferred: sql<string | null>`(select ${p.timeZone} from ${p} where ${p.identityId} = ${identityId})`,
    organization: sql<string | null>`(select ${o.timeZone} from ${o} limit 1)`,
  };
}

/** A person's own zone (null: none chosen) and the organization's, in one round trip (every page asks). */
export async function viewerZones(
  db: DbOrTx,
  identityId: string,
): Promise<{ preferred: string | null; organization: string }> {
  const zones = zoneColumns(identityId);
  const { rows } = await db.execute<{ preferred: string | null; organization: string | null }>(
    sql`select ${zones.preferred} as preferred, ${zones.organization} as organization`,
  );
  return { preferred: rows[0]?.preferred ?? null, organization: rows[0]?.organization ?? DEFAULT_TIME_ZONE };
}

/** The zones to write to people in (emails): each one's own choice, else the organization's. */
export async function recipientTimeZones(db: DbOrTx, identityIds: readonly string[]): Promise<Map<string, string>> {
  if (identityIds.length === 0) return new Map();
  const fallback = await organizationTimeZone(db);
  const chosen = await db
    .select({ id: identityPreferences.identityId, timeZone: identityPreferences.timeZone })
    .from(identityPreferences)
    .where(inArray(identityPreferences.identityId, [...identityIds]));
  const byId = new Map(chosen.map((c) => [c.id, c.timeZone]));
  return new Map(identityIds.map((id) => [id, byId.get(id) ?? fallback]));
}

const checkedZone = (name: string) => {
  const zone = canonicalTimeZone(name);
  if (zone === null) throw new DomainError("INVALID_INPUT", `timeZone ${timeZoneMessage}`, { field: "timeZone" });
  return zone;
};

/** IT sets the organization's zone; the change is audited in the same transaction. */
export async function setOrganizationTimeZone({ ctx, input }: { ctx: ServiceContext; input: { timeZone: string } }) {
  const timeZone = checkedZone(input.timeZone);
  return ctx.db.transaction(async (tx) => {
    const before = await organizationTimeZone(tx);
    await tx
      .insert(organizationSettings)
      .values({ id: 1, timeZone, updatedAt: ctx.clock() })
      .onConflictDoUpdate({ target: organizationSettings.id, set: { timeZone, updatedAt: ctx.clock() } });
    if (before !== timeZone) {
      await recordAuditEvent(tx, ctx, {
        action: "organization.time_zone_changed",
        subjectType: "organization_settings",
        before: { timeZone: before },
        after: { timeZone },
      });
    }
    return { timeZone };
  });
}

/** A person chooses the zone they see times in, or null to follow their browser again. Only their own. */
export async function setMyTimeZone({ ctx, input }: { ctx: PersonContext; input: { timeZone: string | null } }) {
  const timeZone = input.timeZone === null ? null : checkedZone(input.timeZone);
  const identityId = ctx.actor.identityId;
  await ctx.db
    .insert(identityPreferences)
    .values({ identityId, timeZone, updatedAt: ctx.clock() })
    .onConflictDoUpdate({ target: identityPreferences.identityId, set: { timeZone, updatedAt: ctx.clock() } });
  return { timeZone };
}

/**
 * A day someone gave ("expires on 2025-01-06") as the end of that day in the organization's zone;
 * a moment stays what it is.
 */
export async function endOfGivenDay(db: DbOrTx, value: Date | string): Promise<Date> {
  return typeof value === "string" ? endOfDayIn(value, await organizationTimeZone(db)) : value;
}
