import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, requestTemplates } from "@/server/db/schema";
import { seedTemplates } from "@/server/db/seed/requests";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as } from "@/test/support/requests";
import { previewNotifications, saveTemplate } from "./templates";
import type { TemplateDefinition } from "@/server/core/requests/template";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const finance = seedTemplates.find((s) => s.key === "finance-reports")!;
const footprint = async () => ({
  templates: (await t.db.select({ n: count() }).from(requestTemplates))[0]!.n,
  audit: (await t.db.select({ n: count() }).from(auditEvents))[0]!.n,
});

describe("templates (IT admins)", () => {
  it("creates a template with its audit event, and refuses the same key twice", async () => {
    const priya = await as(t.db, "priya.raman@company.com");
    const saved = await saveTemplate({
      ctx: priya,
      input: {
        create: true,
        key: "finance-reports-short",
        name: "Finance reports (a week)",
        description: "",
        definition: { ...finance.definition, durations: [60 * 24 * 7], maxDurationMinutes: 60 * 24 * 7 },
      },
    });
    expect(saved.definition.durations).toEqual([10080]);
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, saved.id));
    expect(event).toMatchObject({ action: "template.created", actorLabel: "priya.raman@company.com" });
    await expect(
      saveTemplate({
        ctx: priya,
        input: {
          create: true,
          key: "finance-reports-short",
          name: "again",
          description: "",
          definition: finance.definition,
        },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "key" });
  });

  const bad: [string, (d: TemplateDefinition) => unknown, string, RegExp][] = [
    [
      "a duration over the maximum",
      (d) => ({ ...d, durations: [...d.durations, 13 * 7 * 24 * 60] }),
      "definition.durations.5",
      /13 weeks is longer than the maximum \(12 weeks\)/,
    ],
    [
      "four stages",
      (d) => ({ ...d, stages: [d.stages[0], d.stages[0], d.stages[0], d.stages[0]] }),
      "definition.stages",
      /at most three stages/,
    ],
    [
      "a resource not in the catalog",
      (d) => ({ ...d, grants: [{ resource: "google:group:nope@company.com", level: null }] }),
      "definition.grants.0.resource",
      /not in the resource catalog/,
    ],
    [
      "an unknown approver group",
      (d) => ({ ...d, stages: [{ ...d.stages[0]!, approvers: [{ kind: "group", group: "nobody-here" }] }] }),
      "definition.stages",
      /no approver group "nobody-here"/,
    ],
    [
      "a dropdown without options",
      (d) => ({
        ...d,
        fields: [{ key: "x", label: "X", type: "dropdown", required: true, options: [], maxLength: 10 }],
      }),
      "definition.fields.0.options",
      /a dropdown needs options/,
    ],
  ];
  it.each(bad)("refuses %s, naming the field and changing nothing", async (_name, change, field, message) => {
    const priya = await as(t.db, "priya.raman@company.com");
    const before = await footprint();
    await expect(
      saveTemplate({
        ctx: priya,
        input: {
          create: false,
          key: "finance-reports",
          name: "Finance reports",
          description: "",
          definition: change(finance.definition) as TemplateDefinition,
        },
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field,
      message: expect.stringMatching(message),
    });
    expect(await footprint()).toEqual(before);
  });

  const seeded = (key: string) => seedTemplates.find((s) => s.key === key)!;
  const againstType: [string, string, (d: TemplateDefinition) => unknown, string, RegExp][] = [
    [
      "a duration over its exception type's maximum",
      "production-admin-incident",
      (d) => ({ ...d, durations: [...d.durations, 48 * 60], maxDurationMinutes: 48 * 60 }),
      "definition.durations.4",
      /2 days is longer than privilege escalation exceptions last at most 1 day/,
    ],
    [
      "a maximum over its exception type's maximum",
      "production-admin-incident",
      (d) => ({ ...d, maxDurationMinutes: 36 * 60 }),
      "definition.maxDurationMinutes",
      /36 hours is longer than privilege escalation exceptions last at most 1 day/,
    ],
    [
      "a vendor template without restrictions",
      "vendor-security-audit",
      (d) => ({ ...d, restrictions: undefined }),
      "definition.restrictions",
      /vendor access carries restrictions/,
    ],
    [
      "a vendor template with neither MFA nor an IP allow list",
      "vendor-security-audit",
      (d) => ({ ...d, restrictions: { ...d.restrictions!, mfaRequired: false, requesterSuppliesIpAllowList: false } }),
      "definition.restrictions.mfaRequired",
      /MFA, an IP allow list, or both/,
    ],
    [
      "a vendor template without a session duration",
      "vendor-security-audit",
      (d) => ({ ...d, restrictions: { ...d.restrictions!, sessionMinutes: null } }),
      "definition.restrictions.sessionMinutes",
      /how long a vendor session may last/,
    ],
    [
      "restrictions on a template that is not vendor access",
      "finance-reports",
      (d) => ({ ...d, restrictions: seeded("vendor-security-audit").definition.restrictions }),
      "definition.restrictions",
      /only vendor templates carry restrictions/,
    ],
  ];
  it.each(againstType)(
    "refuses %s at save, naming the field and changing nothing",
    async (_name, key, change, field, message) => {
      const priya = await as(t.db, "priya.raman@company.com");
      const template = seeded(key);
      const before = await footprint();
      await expect(
        saveTemplate({
          ctx: priya,
          input: {
            create: false,
            key,
            name: template.name,
            description: "",
            definition: change(template.definition) as TemplateDefinition,
          },
        }),
      ).rejects.toMatchObject({
        code: "INVALID_INPUT",
        field,
        message: expect.stringMatching(message),
      });
      expect(await footprint()).toEqual(before);
    },
  );

  it("previews who a stage notifies before saving: all, first N, round robin, and a sample requester's manager", async () => {
    const priya = await as(t.db, "priya.raman@company.com");
    const billing = seedTemplates.find((s) => s.key === "billing-rewrite-project")!.definition;
    const owners = billing.stages[1]!;
    const preview = (policy: "all" | "first_n" | "random_n" | "round_robin", count: number, requesterEmail?: string) =>
      previewNotifications({
        ctx: priya,
        input: {
          definition: { ...billing, stages: [billing.stages[0]!, { ...owners, notify: { policy, count } }] },
          requesterEmail,
        },
      });
    const all = await preview("all", 3);
    expect(all[0]).toMatchObject({ managerUnknown: true, approvers: [] });
    expect(all[1]!.recipients.map((p) => p.email)).toEqual([
      "alice@company.com",
      "bob@company.com",
      "oncall-lead@company.com",
    ]);
    expect(all[1]!.escalation.map((p) => p.email)).toEqual(["priya.raman@company.com", "omar.haddad@company.com"]);
    expect((await preview("first_n", 2))[1]!.recipients.map((p) => p.email)).toEqual([
      "alice@company.com",
      "bob@company.com",
    ]);
    expect((await preview("random_n", 2))[1]).toMatchObject({ notifies: 2, recipients: [] });
    expect((await preview("round_robin", 1))[1]!.recipients.map((p) => p.email)).toEqual(["alice@company.com"]);
    const forSarah = await preview("all", 3, "sarah.chen@company.com");
    expect(forSarah[0]).toMatchObject({
      managerUnknown: false,
      approvers: [{ email: "john.doe@company.com", via: "manager" }],
    });
    // The requester never approves their own request: for Alice, the owners stage has two people.
    expect((await preview("all", 3, "alice@company.com"))[1]!.approvers.map((p) => p.email)).toEqual([
      "bob@company.com",
      "oncall-lead@company.com",
    ]);
  });
});
