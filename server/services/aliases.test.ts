import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attributeAliases, auditEvents } from "@/server/db/schema";
import { actorFor, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { aliasValueReport, createAlias, listAliases, removeAlias } from "./aliases";
import type { ServiceContext } from "./context";
import { changeIdentityAttributes } from "./identities";
import { expectedAccessOf } from "./policies/analysis";

describe("aliases", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let janeId: string;
  const eventsFor = (subjectId: string) => t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, subjectId));
  const resourcesOf = async (identityId: string) => (await expectedAccessOf({ ctx, input: { identityId } })).grants.map((g) => g.resource);

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    // HR moves Jane to Sales, spelling it its own way.
    janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    await changeIdentityAttributes({ ctx, input: { identityId: janeId, attributes: { department: "Sales Dept" }, source: "admin" } });
  });
  afterAll(() => t.close());

  it("reports the values no policy or alias knows, with the people behind them, and values nobody has", async () => {
    const report = await aliasValueReport({ ctx });
    expect(report.unknownValues).toContainEqual({ attribute: "department", value: "Sales Dept", people: 1, looksLike: "Sales" });
    expect(report.policyValues).toContainEqual(expect.objectContaining({ attribute: "department", value: "Sales" }));
    expect(report.policyValues.find((v) => v.attribute === "department" && v.value === "Sales")!.people).toBeGreaterThan(1);
    expect(report.unusedPolicyValues.every((v) => v.people === 0)).toBe(true);
    expect(report.unusedPolicyValues).toEqual(report.policyValues.filter((v) => v.people === 0));
  });

  it("adds an alias with its audit event, after which policies match the raw value", async () => {
    expect(await resourcesOf(janeId)).not.toContain("salesforce:license:user");
    const alias = await createAlias({ ctx, input: { attribute: "department", raw: "  Sales Dept ", canonical: "Sales " } });
    expect(alias).toMatchObject({ attribute: "department", raw: "Sales Dept", canonical: "Sales" });

    const [event] = await eventsFor(alias.id);
    expect(event).toMatchObject({ action: "alias.created", subjectType: "attribute_alias", actorLabel: personaEmails.it_admin, after: { attribute: "department", raw: "Sales Dept", canonical: "Sales" } });
    expect(await resourcesOf(janeId)).toContain("salesforce:license:user");
    expect((await expectedAccessOf({ ctx, input: { identityId: janeId } })).matchedPolicies).toContain("sales-team-access");

    const listed = (await listAliases({ ctx })).aliases.find((a) => a.id === alias.id);
    expect(listed).toMatchObject({ raw: "Sales Dept", canonical: "Sales", people: 1 });
    expect((await aliasValueReport({ ctx })).unknownValues.find((u) => u.value === "Sales Dept")).toBeUndefined();
  });

  it("refuses a raw value that already has an alias, whatever its case, naming the field", async () => {
    const before = await t.db.select().from(attributeAliases);
    await expect(createAlias({ ctx, input: { attribute: "department", raw: "sales dept", canonical: "Marketing" } })).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
    // Seeded: "Eng" → "Engineering".
    await expect(createAlias({ ctx, input: { attribute: "department", raw: "ENG", canonical: "Engineering" } })).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
    expect(await t.db.select().from(attributeAliases)).toHaveLength(before.length);
  });

  it("refuses an alias that would change nothing or that policies could not follow", async () => {
    await expect(createAlias({ ctx, input: { attribute: "department", raw: "sales", canonical: "Sales" } })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "canonical" });
    await expect(createAlias({ ctx, input: { attribute: "manager", raw: "boss", canonical: "ceo@company.com" } })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "attribute" });
    await expect(createAlias({ ctx, input: { attribute: "team", raw: "  ", canonical: "Platform" } })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "raw" });
    await expect(createAlias({ ctx, input: { attribute: "team", raw: "Plat", canonical: "" } })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "canonical" });
    // Aliases map one step: "Eng" is itself an alias, and "Engineering" is what others map to.
    await expect(createAlias({ ctx, input: { attribute: "department", raw: "Engg", canonical: "Eng" } })).rejects.toMatchObject({ code: "CONFLICT", field: "canonical" });
    await expect(createAlias({ ctx, input: { attribute: "department", raw: "Engineering", canonical: "R&D" } })).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
  });

  it("removes an alias with its audit event, and the raw value is unknown again", async () => {
    const [row] = await t.db.select().from(attributeAliases).where(eq(attributeAliases.rawValue, "Sales Dept"));
    await removeAlias({ ctx, input: { id: row!.id } });
    const events = await eventsFor(row!.id);
    expect(events.map((e) => e.action)).toEqual(["alias.created", "alias.removed"]);
    expect(events[1]!.before).toEqual({ attribute: "department", raw: "Sales Dept", canonical: "Sales" });
    expect(await resourcesOf(janeId)).not.toContain("salesforce:license:user");
    await expect(removeAlias({ ctx, input: { id: row!.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
