import { asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  attributeAliases,
  identities,
  identityAttributeChanges,
  portalRoleAssignments,
  resources,
  systems,
} from "@/server/db/schema";
import { seedResources } from "@/server/db/seed/catalog";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { fixedClock } from "@/test/support/actors";
import { seedIfEmpty } from "./demo-organization";
import { verifyAuditChain } from "./audit-log";
import { chainAuditEvents } from "./audit-sequencer";

describe("the demo organization", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
  });
  afterAll(() => t.close());

  it("is loaded once into an empty database, even when several processes start together", async () => {
    const results = await Promise.all([1, 2, 3].map(() => seedIfEmpty(t.db, fixedClock())));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await seedIfEmpty(t.db, fixedClock())).toBe(false);
    const [seeded] = await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(eq(auditEvents.action, "organization.seeded"));
    expect(seeded!.n).toBe(1);
    await chainAuditEvents({ db: t.db });
    expect(await verifyAuditChain({ ctx: { db: t.db } })).toMatchObject({ ok: true, checked: 1, legacy: 0 });
  });

  it("has a few hundred people across the five departments of the brief", async () => {
    const [total] = await t.db.select({ n: count() }).from(identities);
    expect(total!.n).toBeGreaterThanOrEqual(250);
    expect(total!.n).toBeLessThan(600);
    const departments = await t.db
      .select({ department: identities.department, n: count() })
      .from(identities)
      .groupBy(identities.department);
    const by = Object.fromEntries(departments.map((d) => [d.department, d.n]));
    for (const d of ["Sales", "Engineering", "Finance", "Support", "Legal"]) expect(by[d]).toBeGreaterThan(10);
  });

  it("includes the people of the seeds with their attributes and manager", async () => {
    const [sarah] = await t.db.select().from(identities).where(eq(identities.email, "sarah.chen@company.com"));
    expect(sarah).toMatchObject({
      displayName: "Sarah Chen",
      jobTitle: "Sales Engineer",
      department: "Sales",
      team: "Enterprise",
      employmentType: "FTE",
      employmentStatus: "Active",
      hireDate: "2024-11-24",
      location: "San Francisco",
      costCenter: "CC-1234",
    });
    const [manager] = await t.db.select().from(identities).where(eq(identities.id, sarah!.managerId!));
    expect(manager!.email).toBe("john.doe@company.com");
    const emails = (await t.db.select({ email: identities.email }).from(identities)).map((r) => r.email);
    for (const e of [
      "cfo@company.com",
      "cto@company.com",
      "ciso@company.com",
      "oncall-lead@company.com",
      "consultant@external.com",
      "auditor@company.com",
    ]) {
      expect(emails).toContain(e);
    }
  });

  it("carries messy HR spellings, some with an alias and some without", async () => {
    const messy = await t.db
      .select({ v: identities.department })
      .from(identities)
      .where(sql`${identities.department} in ('Eng', 'Product Eng', 'Engineering - Platform')`);
    expect(messy.length).toBeGreaterThan(0);
    const titles = await t.db
      .select({ v: identities.jobTitle })
      .from(identities)
      .where(sql`${identities.jobTitle} like 'Sr%'`);
    expect(titles.length).toBeGreaterThan(0);
    const aliases = await t.db.select().from(attributeAliases);
    expect(aliases.find((a) => a.rawValue === "Eng")?.canonicalValue).toBe("Engineering");
    expect(aliases.find((a) => a.rawValue === "Product Eng")).toBeUndefined();
  });

  it("gives each role to someone, and records attribute history for some people", async () => {
    const roles = await t.db
      .selectDistinct({ role: portalRoleAssignments.role })
      .from(portalRoleAssignments)
      .orderBy(asc(portalRoleAssignments.role));
    expect(roles.map((r) => r.role)).toEqual(["approver", "it_admin", "auditor"]);
    const [history] = await t.db.select({ n: count() }).from(identityAttributeChanges);
    expect(history!.n).toBeGreaterThan(10);
  });

  it("has the systems the seeds name, with ordered access levels, and their resources", async () => {
    const all = await t.db.select().from(systems);
    expect(all.map((s) => s.key).sort()).toEqual([
      "aws",
      "github",
      "gitlab",
      "google",
      "ldap",
      "notion",
      "okta",
      "postgres",
      "salesforce",
      "slack",
    ]);
    expect(all.find((s) => s.key === "gitlab")!.accessLevels).toEqual([
      "guest",
      "reporter",
      "developer",
      "maintainer",
      "owner",
    ]);
    const rs = await t.db.select().from(resources);
    expect(rs).toHaveLength(seedResources.length);
    expect(rs.map((r) => r.key)).toContain("google:group:finance-reports@company.com");
  });
});
