import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attributeAliases, auditEvents } from "@/server/db/schema";
import { actorFor, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { aliasValueReport, createAlias, listAliases, previewAlias, removeAlias } from "./aliases";
import type { ServiceContext } from "./context";
import { changeIdentityAttributes } from "./identities";
import { expectedAccessOf } from "./policies/analysis";

describe("aliases", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let janeId: string;
  const eventsFor = (subjectId: string) => t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, subjectId));
  const resourcesOf = async (identityId: string) =>
    (await expectedAccessOf({ ctx, input: { identityId } })).grants.map((g) => g.resource);

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    // HR moves Jane to Sales, spelling it its own way.
    janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    await changeIdentityAttributes({
      ctx,
      input: { identityId: janeId, attributes: { department: "Sales Dept" }, source: "admin" },
    });
  });
  afterAll(() => t.close());

  it("reports the values no policy or alias knows, with the people behind them, and values nobody has", async () => {
    const report = await aliasValueReport({ ctx });
    expect(report.unknownValues).toContainEqual({
      attribute: "department",
      value: "Sales Dept",
      people: 1,
      looksLike: "Sales",
      evidence: { kind: "extra-words", text: "contains all of “Sales”, plus “Dept”" },
    });
    expect(report.policyValues).toContainEqual(expect.objectContaining({ attribute: "department", value: "Sales" }));
    expect(
      report.policyValues.find((v) => v.attribute === "department" && v.value === "Sales")!.people,
    ).toBeGreaterThan(1);
    expect(report.unusedPolicyValues.every((v) => v.people === 0)).toBe(true);
    expect(report.unusedPolicyValues).toEqual(report.policyValues.filter((v) => v.people === 0));
  });

  it("suggests none of the mappings that would give engineers Sales access, and shows the evidence for each it does suggest (issue 12 point 11)", async () => {
    const report = await aliasValueReport({ ctx });
    for (const value of [
      "Software Engineer",
      "Senior Counsel",
      "Senior Software Engineer",
      "Senior SWE",
      "Staff Engineer",
      "Sales Engineering Manager",
    ]) {
      expect(
        report.unknownValues.find((u) => u.value === value),
        value,
      ).toMatchObject({ looksLike: null, evidence: null });
    }
    expect(
      report.unknownValues.filter((u) => u.looksLike).map((u) => `${u.value} → ${u.looksLike} (${u.evidence!.kind})`),
    ).toEqual([
      "Product Eng → Engineering (extra-words)",
      "San Francisco, CA → San Francisco (extra-words)",
      "New York City → New York (extra-words)",
      "Sales Dept → Sales (extra-words)",
    ]);
  });

  it("previews an alias before it is saved: who gains and loses which access, with the evidence; nothing is written", async () => {
    const [aliasesBefore, eventsBefore] = [
      await t.db.select().from(attributeAliases),
      await t.db.select().from(auditEvents),
    ];
    const preview = await previewAlias({
      ctx,
      input: { attribute: "department", raw: "Sales Dept", canonical: "Sales", limit: 50 },
    });
    expect(preview).toMatchObject({
      holders: 1,
      affectedPeople: 1,
      losses: 0,
      canonicalNamedByPolicies: true,
      evidence: { kind: "extra-words" },
      truncated: false,
    });
    expect(preview.people).toEqual([
      expect.objectContaining({ identity: janeId, displayName: "Jane Smith", email: "jane.smith@company.com" }),
    ]);
    expect(preview.people[0]!.delta.added.map((g) => g.resource)).toContain("salesforce:license:user");

    // Typed by hand, the mapping the old suggestion offered: no evidence, and the preview shows what it would hand out.
    const wrong = await previewAlias({
      ctx,
      input: { attribute: "job_title", raw: "Software Engineer", canonical: "Sales Engineer", limit: 5 },
    });
    expect(wrong).toMatchObject({ evidence: null, holders: 33, truncated: true });
    expect(wrong.affectedPeople).toBeGreaterThan(25);
    expect(wrong.people).toHaveLength(5);
    expect(wrong.people[0]!.delta.added.map((g) => g.resource)).toContain("salesforce:profile:sales-engineer");

    expect(await t.db.select().from(attributeAliases)).toHaveLength(aliasesBefore.length);
    expect(await t.db.select().from(auditEvents)).toHaveLength(eventsBefore.length);
  });

  it("refuses to preview or save an alias from a value policies read themselves, naming the policy; nothing is written", async () => {
    const before = await t.db.select().from(attributeAliases);
    const merge = { attribute: "job_title", raw: "Sales Engineer", canonical: "Senior Sales Engineer" };
    await expect(createAlias({ ctx, input: merge })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "raw",
      message: expect.stringContaining("sales-engineer-access"),
    });
    await expect(previewAlias({ ctx, input: { ...merge, limit: 10 } })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "raw",
    });
    // "job_title contains DBA" reads this one.
    await expect(
      createAlias({
        ctx,
        input: { attribute: "job_title", raw: "Database Administrator (DBA)", canonical: "Sales Engineer" },
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("job_title contains DBA"),
    });
    expect(await t.db.select().from(attributeAliases)).toHaveLength(before.length);
  });

  it("adds an alias with its audit event, after which policies match the raw value", async () => {
    expect(await resourcesOf(janeId)).not.toContain("salesforce:license:user");
    const alias = await createAlias({
      ctx,
      input: { attribute: "department", raw: "  Sales Dept ", canonical: "Sales " },
    });
    expect(alias).toMatchObject({ attribute: "department", raw: "Sales Dept", canonical: "Sales" });

    const [event] = await eventsFor(alias.id);
    expect(event).toMatchObject({
      action: "alias.created",
      subjectType: "attribute_alias",
      actorLabel: personaEmails.it_admin,
      after: { attribute: "department", raw: "Sales Dept", canonical: "Sales" },
    });
    expect(await resourcesOf(janeId)).toContain("salesforce:license:user");
    expect((await expectedAccessOf({ ctx, input: { identityId: janeId } })).matchedPolicies).toContain(
      "sales-team-access",
    );

    const listed = (await listAliases({ ctx })).aliases.find((a) => a.id === alias.id);
    expect(listed).toMatchObject({ raw: "Sales Dept", canonical: "Sales", people: 1 });
    expect((await aliasValueReport({ ctx })).unknownValues.find((u) => u.value === "Sales Dept")).toBeUndefined();
  });

  it("refuses a raw value that already has an alias, whatever its case, naming the field", async () => {
    const before = await t.db.select().from(attributeAliases);
    await expect(
      createAlias({ ctx, input: { attribute: "department", raw: "sales dept", canonical: "Marketing" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
    // Seeded: "Eng" → "Engineering".
    await expect(
      createAlias({ ctx, input: { attribute: "department", raw: "ENG", canonical: "Engineering" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
    expect(await t.db.select().from(attributeAliases)).toHaveLength(before.length);
  });

  it("refuses an alias that would change nothing or that policies could not follow", async () => {
    await expect(
      createAlias({ ctx, input: { attribute: "department", raw: "sales", canonical: "Sales" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "canonical" });
    await expect(
      createAlias({ ctx, input: { attribute: "manager", raw: "boss", canonical: "ceo@company.com" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "attribute" });
    await expect(
      createAlias({ ctx, input: { attribute: "team", raw: "  ", canonical: "Platform" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "raw" });
    await expect(createAlias({ ctx, input: { attribute: "team", raw: "Plat", canonical: "" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "canonical",
    });
    // Aliases map one step: "Eng" is itself an alias, and "Engineering" is what others map to.
    await expect(
      createAlias({ ctx, input: { attribute: "department", raw: "Engg", canonical: "Eng" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "canonical" });
    await expect(
      createAlias({ ctx, input: { attribute: "department", raw: "Engineering", canonical: "R&D" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "raw" });
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
