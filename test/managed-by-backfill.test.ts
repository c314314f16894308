import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleHrEvent } from "@/server/api/hr";
import { identities } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";

/**
 * The upgrade to scoped sources: people a source hired before it stay that source's (found
 * through the audit trail), everyone else is managed by no source. Runs the custom migration's
 * SQL again over people whose managed_by is cleared, as a database from before it would hold them.
 */
const migrationsDir = path.join(process.cwd(), "drizzle");
const backfill = readFileSync(
  path.join(
    migrationsDir,
    readdirSync(migrationsDir).find((f) => f.endsWith("managed-by-backfill.sql"))!,
  ),
  "utf8",
);

let t: TestDatabase;
const clock = movableClock("2026-06-01T08:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  const okta = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
  const workday = (await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } })).token;
  expect(
    (
      await scimClient(t.db, clock, () => okta)("POST", "/Users", {
        schemas: [USER],
        userName: "olga.scim@company.com",
      })
    ).status,
  ).toBe(201);
  const hire = {
    event: "employee.hired",
    event_id: "h-1",
    user_id: "walt.hr",
    start_date: "2026-06-01",
    job_title: "Accountant",
    department: "Finance",
  };
  const headers = { "content-type": "application/json", authorization: `Bearer ${workday}` };
  expect(
    (
      await handleHrEvent(
        new Request("http://clearance.test/api/hr/events", { method: "POST", headers, body: JSON.stringify(hire) }),
        t.db,
        clock,
      )
    ).status,
  ).toBe(200);
  await t.db.update(identities).set({ managedBy: null });
});
afterAll(() => t.close());

describe("the managed_by backfill (custom migration)", () => {
  it("gives each source the people its token hired, and nobody else", async () => {
    await t.db.execute(sql.raw(backfill));
    const managed = await t.db
      .select({ externalId: identities.externalId, managedBy: identities.managedBy })
      .from(identities)
      .where(isNotNull(identities.managedBy))
      .orderBy(identities.externalId);
    expect(managed).toEqual([
      { externalId: "olga.scim", managedBy: "okta" },
      { externalId: "walt.hr", managedBy: "workday" },
    ]);
    expect(
      (await t.db.select().from(identities).where(eq(identities.externalId, "sarah.chen")))[0]!.managedBy,
    ).toBeNull();
  });
});
