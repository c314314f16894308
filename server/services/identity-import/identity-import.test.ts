import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlans, auditEvents, identities, identityAttributeChanges } from "@/server/db/schema";
import { actorFor, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import type { ServiceContext } from "../context";
import { changeIdentityAttributes } from "../identities";
import { applyIdentityImport } from "./apply";
import { previewIdentityImport } from "./preview";

const csvOf = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("identity CSV import", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  /** Everything an import could write. */
  const footprint = async () => ({
    people: (await t.db.select({ n: count() }).from(identities))[0]!.n,
    history: (await t.db.select({ n: count() }).from(identityAttributeChanges))[0]!.n,
    plans: (await t.db.select({ n: count() }).from(accessPlans))[0]!.n,
    events: (await t.db.select({ n: count() }).from(auditEvents))[0]!.n,
  });
  const jobTitleOf = async (email: string) =>
    (await t.db.select({ v: identities.jobTitle }).from(identities).where(eq(identities.email, email)))[0]!.v;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
  });
  afterAll(() => t.close());

  const promotion = csvOf(
    "external_id,email,display_name,department,job_title,manager,hire_date",
    "sarah.chen,sarah.chen@company.com,Sarah Chen,Sales,Senior Sales Engineer,john.doe@company.com,2024-11-24",
    "jane.smith,jane.smith@company.com,Jane Smith,Engineering,Software Engineer,alice@company.com,2025-08-11",
    "nina.patel,nina.patel@company.com,Nina Patel,Sales Dept,Sales Engineer,John.Doe@company.com,2026-12-01",
  );

  it("previews exactly what would change, new people and values no policy knows, and changes nothing", async () => {
    const before = await footprint();
    const preview = await previewIdentityImport({ ctx, input: { csv: promotion } });
    expect(preview.counts).toEqual({ new: 1, changed: 1, unchanged: 1, errors: 0 });
    expect(preview.problems).toEqual([]);
    expect(preview.keyColumn).toBe("external_id");
    expect(preview.changes).toEqual([
      {
        row: 2,
        kind: "changed",
        person: {
          id: await identityIdByEmail(t.db, "sarah.chen@company.com"),
          externalId: "sarah.chen",
          email: "sarah.chen@company.com",
          displayName: "Sarah Chen",
        },
        changes: [{ attribute: "job_title", oldValue: "Sales Engineer", newValue: "Senior Sales Engineer" }],
      },
      {
        row: 4,
        kind: "new",
        person: { id: null, externalId: "nina.patel", email: "nina.patel@company.com", displayName: "Nina Patel" },
        changes: [
          { attribute: "department", oldValue: null, newValue: "Sales Dept" },
          { attribute: "job_title", oldValue: null, newValue: "Sales Engineer" },
          { attribute: "employment_status", oldValue: null, newValue: "Active" },
          { attribute: "hire_date", oldValue: null, newValue: "2026-12-01" },
          { attribute: "manager", oldValue: null, newValue: "john.doe@company.com" },
        ],
      },
    ]);
    expect(preview.unknownValues).toEqual([
      {
        attribute: "department",
        value: "Sales Dept",
        people: 1,
        looksLike: "Sales",
        evidence: { kind: "extra-words", text: "contains all of “Sales”, plus “Dept”" },
      },
    ]);
    expect(preview.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await footprint()).toEqual(before);
  });

  it("reports every error with its row and column", async () => {
    const preview = await previewIdentityImport({
      ctx,
      input: {
        csv: csvOf(
          "external_id,job_title,hire_date,manager",
          "sarah.chen,Senior Sales Engineer,2024-13-01,john.doe@company.com",
          ",Sales Engineer,,",
          "jane.smith,Software Engineer,,nobody@company.com",
          "jane.smith,Software Engineer,,",
          "brand.new,Analyst,,",
          "alice.moreno,Engineering Manager,,alice@company.com",
        ),
      },
    });
    expect(preview.problems).toEqual([
      { row: 2, column: "hire_date", message: 'hire_date must be a date as YYYY-MM-DD, not "2024-13-01"' },
      { row: 3, column: "external_id", message: "Every row needs an external_id: it says who the row is about" },
      {
        row: 4,
        column: "manager",
        message: "No one has the manager email nobody@company.com, and the file does not add them",
      },
      { row: 5, column: "external_id", message: "jane.smith is already on row 4: one row per person" },
      { row: 6, column: "email", message: "brand.new is a new person and needs an email" },
      { row: 7, column: "manager", message: "A person cannot be their own manager" },
    ]);
    expect(preview.counts).toMatchObject({ errors: 6, new: 0, changed: 0 });
  });

  it("names an unknown column in the header, suggesting the attribute it resembles", async () => {
    const preview = await previewIdentityImport({
      ctx,
      input: { csv: csvOf("external_id,title,favourite_color", "sarah.chen,Senior Sales Engineer,blue") },
    });
    expect(preview.problems.map((p) => [p.row, p.column])).toEqual([
      [1, "title"],
      [1, "favourite_color"],
    ]);
    expect(preview.problems[0]!.message).toContain("did you mean job_title?");
  });

  it("matches people by email when there is no external_id column, and accepts spreadsheet-style headers", async () => {
    const preview = await previewIdentityImport({
      ctx,
      input: {
        csv: csvOf("Email,Job Title", "SARAH.CHEN@company.com,Senior Sales Engineer", "nobody@company.com,Analyst"),
      },
    });
    expect(preview.keyColumn).toBe("email");
    expect(preview.changes.map((c) => [c.person.externalId, c.changes])).toEqual([
      ["sarah.chen", [{ attribute: "job_title", oldValue: "Sales Engineer", newValue: "Senior Sales Engineer" }]],
    ]);
    expect(preview.problems).toEqual([
      {
        row: 3,
        column: "email",
        message: "No one has the email nobody@company.com: to add a new person, add an external_id column",
      },
    ]);
  });

  it("refuses a file over the row limit, naming the field", async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `person.${i},Analyst`);
    await expect(
      previewIdentityImport({ ctx, input: { csv: csvOf("external_id,job_title", ...rows) } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "csv" });
  });

  it("refuses to apply a file with errors, and changes nothing", async () => {
    const csv = csvOf(
      "external_id,job_title,hire_date",
      "sarah.chen,Senior Sales Engineer,2024-11-24",
      "jane.smith,Software Engineer,yesterday",
    );
    const preview = await previewIdentityImport({ ctx, input: { csv } });
    expect(preview.counts.errors).toBe(1);
    const before = await footprint();
    await expect(applyIdentityImport({ ctx, input: { csv, fingerprint: preview.fingerprint } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "csv",
    });
    expect(await footprint()).toEqual(before);
    expect(await jobTitleOf("sarah.chen@company.com")).toBe("Sales Engineer");
  });

  it("refuses a row that changes the importer's own HR record (their access follows from it), and applies nothing (issue 12)", async () => {
    const csv = csvOf(
      "email,job_title",
      "priya.raman@company.com,Chief Financial Officer",
      "jane.smith@company.com,Senior Software Engineer",
    );
    const preview = await previewIdentityImport({ ctx, input: { csv } });
    expect(preview.problems).toEqual([
      expect.objectContaining({ row: 2, message: expect.stringMatching(/your own HR record/) }),
    ]);
    const before = await footprint();
    await expect(applyIdentityImport({ ctx, input: { csv, fingerprint: preview.fingerprint } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "csv",
    });
    expect(await footprint()).toEqual(before);
    expect(await jobTitleOf("priya.raman@company.com")).not.toBe("Chief Financial Officer");
  });

  it("applies all or nothing: a row that fails while applying undoes the rows before it", async () => {
    // Alice becoming Jane's report is a loop (Jane reports to Alice): only applying finds it.
    const csv = csvOf(
      "external_id,team,manager",
      "bob.lindqvist,Platform,cto@company.com",
      "alice.moreno,Platform,jane.smith@company.com",
    );
    const preview = await previewIdentityImport({ ctx, input: { csv } });
    expect(preview.counts).toMatchObject({ changed: 2, errors: 0 });
    const before = await footprint();
    await expect(applyIdentityImport({ ctx, input: { csv, fingerprint: preview.fingerprint } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "manager",
      message: expect.stringMatching(/^Row 3: /),
    });
    expect(await footprint()).toEqual(before);
    const [bob] = await t.db
      .select({ team: identities.team })
      .from(identities)
      .where(eq(identities.email, "bob@company.com"));
    expect(bob!.team).toBe("Core Engineering");
  });

  it("refuses with CONFLICT when someone the file touches changed after the preview", async () => {
    const csv = csvOf("external_id,team", "jane.smith,Core Engineering");
    const preview = await previewIdentityImport({ ctx, input: { csv } });
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    await changeIdentityAttributes({
      ctx,
      input: { identityId: janeId, attributes: { location: "Berlin" }, source: "admin" },
    });
    await expect(applyIdentityImport({ ctx, input: { csv, fingerprint: preview.fingerprint } })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "fingerprint",
    });
    const [jane] = await t.db.select({ team: identities.team }).from(identities).where(eq(identities.id, janeId));
    expect(jane!.team).toBe("Platform");
    // A file edited after its preview is refused the same way.
    await expect(
      applyIdentityImport({
        ctx,
        input: { csv: csvOf("external_id,team", "jane.smith,Security"), fingerprint: preview.fingerprint },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("applies exactly the preview in one go: history with source csv, access plans, one import event", async () => {
    const preview = await previewIdentityImport({ ctx, input: { csv: promotion } });
    const before = await footprint();
    const result = await applyIdentityImport({ ctx, input: { csv: promotion, fingerprint: preview.fingerprint } });
    expect(result).toEqual({ created: 1, changed: 1, unchanged: 1, plans: 2 });

    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const ninaId = await identityIdByEmail(t.db, "nina.patel@company.com");
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    const history = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(eq(identityAttributeChanges.source, "csv"));
    const applied = (id: string) =>
      history
        .filter((h) => h.identityId === id)
        .map((h) => ({ attribute: h.attribute, oldValue: h.oldValue, newValue: h.newValue }));
    expect(applied(sarahId)).toEqual(preview.changes[0]!.changes);
    expect(applied(ninaId)).toEqual(expect.arrayContaining(preview.changes[1]!.changes));
    expect(applied(janeId)).toEqual([]);
    expect(await jobTitleOf("sarah.chen@company.com")).toBe("Senior Sales Engineer");

    // The promotion changes what policy gives Sarah: a mover plan, from the CSV.
    const [plan] = await t.db
      .select()
      .from(accessPlans)
      .where(and(eq(accessPlans.identityId, sarahId), eq(accessPlans.source, "csv")));
    expect(plan).toMatchObject({
      kind: "mover",
      policiesAfter: expect.arrayContaining(["senior-sales-engineer-access"]),
    });
    const joiner = await t.db
      .select()
      .from(accessPlans)
      .where(and(eq(accessPlans.identityId, ninaId), eq(accessPlans.source, "csv")));
    expect(joiner.map((p) => p.kind)).toEqual(["joiner"]);
    const [nina] = await t.db.select().from(identities).where(eq(identities.id, ninaId));
    expect(nina).toMatchObject({
      externalId: "nina.patel",
      displayName: "Nina Patel",
      department: "Sales Dept",
      managerId: await identityIdByEmail(t.db, "john.doe@company.com"),
    });

    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "identity.csv_imported"));
    expect(event).toMatchObject({
      actorLabel: personaEmails.it_admin,
      after: { created: 1, changed: 1, unchanged: 1, plans: 2 },
    });
    const after = await footprint();
    expect(after.people).toBe(before.people + 1);
    expect(after.plans).toBe(before.plans + 2);

    // The same file again: everyone is as it says now.
    const again = await previewIdentityImport({ ctx, input: { csv: promotion } });
    expect(again.counts).toEqual({ new: 0, changed: 0, unchanged: 3, errors: 0 });
    await expect(
      applyIdentityImport({ ctx, input: { csv: promotion, fingerprint: again.fingerprint } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("creates a manager the file adds before the people who report to them", async () => {
    const csv = csvOf(
      "external_id,email,department,job_title,manager",
      "lee.report,lee.report@company.com,Sales,Sales Engineer,kim.lead@company.com",
      "kim.lead,kim.lead@company.com,Sales,Sales Engineering Manager,john.doe@company.com",
    );
    const preview = await previewIdentityImport({ ctx, input: { csv } });
    expect(preview.counts).toMatchObject({ new: 2, errors: 0 });
    await applyIdentityImport({ ctx, input: { csv, fingerprint: preview.fingerprint } });
    const people = await t.db
      .select({ externalId: identities.externalId, managerId: identities.managerId, id: identities.id })
      .from(identities)
      .where(inArray(identities.externalId, ["lee.report", "kim.lead"]));
    const kim = people.find((p) => p.externalId === "kim.lead")!;
    expect(people.find((p) => p.externalId === "lee.report")!.managerId).toBe(kim.id);
  });
});
