import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessExceptions, auditEvents, fallbackPolicies, requestApprovers } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock, submit } from "@/test/support/requests";
import { exceptionCounts } from "../exceptions/queries";
import { expectedAccessOf, explainPersonAccess } from "../policies";
import { askForResource } from "./ask";
import { deleteFallback, lintFallbackDraft, saveFallback } from "./store";

let t: TestDatabase;
// A Tuesday, 10:00 UTC: inside business hours.
const clock = movableClock("2026-11-17T10:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
  // This file writes its own set; the demo organization's fallbacks would decide otherwise.
  await t.db.delete(fallbackPolicies);
  const priya = await as(t.db, "priya.raman@company.com", clock);
  const save = (source: string) => saveFallback({ ctx: priya, input: { source } });
  // The global one has the highest priority, and still loses to anything more specific.
  await save(`name: global-fallback-deny
scope: global
priority: 100
action: deny
message: "No policy found. Contact data-governance@company.com"
`);
  await save(`name: aws-request-fallback
scope: namespace
namespace: aws
priority: 10
action: prompt-for-request
message: AWS access outside your role needs Security's approval.
request:
  durations: [1h, 4h]
  fields:
    - { key: purpose, label: Purpose, type: text, required: true }
  approvers:
    - { kind: group, group: security }
`);
  await save(`name: audit-role-fallback
scope: resource
resource: aws:role:security-audit-readonly
action: allow
constraints:
  duration: { max: 4h, default: 2h }
  timeframe: business-hours
tags: [fallback-access, needs-policy-review]
`);
});
afterAll(() => t.close());

describe("fallback policies (seed 004)", () => {
  it("resource beats namespace beats global: allow grants tagged, time-bound access that is counted and explained", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const r = await askForResource({ ctx: sarah, input: { resource: "aws:role:security-audit-readonly" } });
    expect(r).toMatchObject({
      outcome: "allowed",
      fallback: "audit-role-fallback",
      expiresAt: new Date("2026-11-17T12:00:00Z"),
    });
    const [e] = await t.db
      .select()
      .from(accessExceptions)
      .where(eq(accessExceptions.identityId, sarah.actor.identityId));
    expect(e).toMatchObject({
      source: "fallback",
      type: "fallback",
      fallbackName: "audit-role-fallback",
      approverId: null,
      references: { tags: "fallback-access,needs-policy-review" },
    });
    expect((await exceptionCounts(t.db, clock())).fallback).toBe(1);
    const access = await expectedAccessOf({ ctx: sarah, input: { identityId: sarah.actor.identityId } });
    expect(access.temporary).toEqual([
      expect.objectContaining({
        resource: "aws:role:security-audit-readonly",
        source: "fallback",
        fallbackName: "audit-role-fallback",
      }),
    ]);
    // Asking again while it holds does not duplicate it.
    expect(await askForResource({ ctx: sarah, input: { resource: "aws:role:security-audit-readonly" } })).toMatchObject(
      { outcome: "held" },
    );
    // Longer than the fallback allows: refused, naming the field.
    const john = await as(t.db, "john.doe@company.com", clock);
    await expect(
      askForResource({ ctx: john, input: { resource: "aws:role:security-audit-readonly", durationMinutes: 300 } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "durationMinutes" });
  });

  it("prompt-for-request opens a request whose approvers are the fallback's", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const r = await askForResource({ ctx: sarah, input: { resource: "aws:role:production-admin" } });
    expect(r).toMatchObject({
      outcome: "prompt",
      fallback: "aws-request-fallback",
      message: "AWS access outside your role needs Security's approval.",
    });
    if (r.outcome !== "prompt") throw new Error("expected a prompt");
    const request = await submit(sarah, {
      templateKey: r.templateKey,
      durationMinutes: 60,
      justification: "Need to check an incident in production with the SRE team",
      fields: { purpose: "incident review" },
    });
    expect(request.status).toBe("pending");
    const approvers = await t.db
      .select({ id: requestApprovers.identityId, via: requestApprovers.via })
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, request.id));
    expect(approvers).toEqual([{ id: await identityIdByEmail(t.db, "ciso@company.com"), via: "group:security" }]);
    // The same form is reused, not duplicated, the next time.
    expect(
      await askForResource({
        ctx: await as(t.db, "john.doe@company.com", clock),
        input: { resource: "aws:role:production-admin" },
      }),
    ).toMatchObject({ templateKey: r.templateKey });
  });

  it("outside every narrower fallback the global one denies with its message; with none at all, deny by default", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    expect(await askForResource({ ctx: sarah, input: { resource: "postgres:role:prod_rw" } })).toEqual({
      outcome: "denied",
      fallback: "global-fallback-deny",
      message: "No policy found. Contact data-governance@company.com",
    });
    const explained = await explainPersonAccess({
      ctx: sarah,
      input: { identityId: sarah.actor.identityId, resource: "postgres:role:prod_rw" },
    });
    expect(explained.fallback).toMatchObject({ action: "deny", name: "global-fallback-deny" });

    const priya = await as(t.db, "priya.raman@company.com", clock);
    await deleteFallback({ ctx: priya, input: { name: "global-fallback-deny" } });
    expect(await askForResource({ ctx: sarah, input: { resource: "postgres:role:prod_rw" } })).toEqual({
      outcome: "denied",
      fallback: null,
      message: expect.stringMatching(
        /^No policy or fallback gives you postgres:role:prod_rw: access is denied by default\.?$/,
      ),
    });
    expect(
      await t.db
        .select()
        .from(auditEvents)
        .where(
          and(eq(auditEvents.action, "access.fallback_denied"), eq(auditEvents.subjectId, "postgres:role:prod_rw")),
        ),
    ).toHaveLength(2);
  });

  it("outside business hours an allow fallback denies, saying so", async () => {
    clock.set("2026-11-21T10:00:00Z"); // a Saturday
    const jane = await as(t.db, "jane.smith@company.com", clock);
    expect(await askForResource({ ctx: jane, input: { resource: "aws:role:security-audit-readonly" } })).toMatchObject({
      outcome: "denied",
      fallback: "audit-role-fallback",
      message: expect.stringMatching(/business hours/),
    });
  });

  it("refuses YAML that does not parse, naming the line, and saves nothing", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await t.db.select().from(fallbackPolicies);
    await expect(
      saveFallback({ ctx: priya, input: { source: "name: broken-one\nscope: resource\naction: allow\n" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/^line \d+:/) });
    expect(await t.db.select().from(fallbackPolicies)).toEqual(before);
  });

  it("lints a draft as the editor types: parse problems, then catalog problems of its own file, saving nothing", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await t.db.select().from(fallbackPolicies);
    const lint = (source: string, previousName?: string) =>
      lintFallbackDraft({ ctx: priya, input: { source, previousName } });
    expect(await lint("name: broken-one\nscope: resource\naction: allow\n")).toEqual(
      expect.arrayContaining([expect.objectContaining({ severity: "error", code: "syntax" })]),
    );
    const typo = "name: typo-fallback\nscope: namespace\nnamespace: awz\naction: deny\nmessage: No\n";
    expect(await lint(typo)).toEqual([
      expect.objectContaining({ severity: "error", code: "unknown-system", line: 3, file: "typo-fallback.yaml" }),
    ]);
    // Editing a saved fallback under its own name is no duplicate of itself.
    const saved = before[0]!;
    expect(await lint(saved.source, saved.name)).toEqual([]);
    expect(await t.db.select().from(fallbackPolicies)).toEqual(before);
  });
});
