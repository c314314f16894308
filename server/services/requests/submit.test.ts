import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accessRequests,
  auditEvents,
  notifications,
  outboxEmails,
  provisioningHandoffs,
  requestApprovers,
} from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, submit } from "@/test/support/requests";
import { identityIdByEmail } from "@/test/support/actors";
import { systemActor } from "@/server/core/actor";
import { changeIdentityAttributes } from "../identities";
import { cancelRequest } from "./thread";
import { decideRequest } from "./decide";
import { requestForm } from "./queries";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** Rows that any accepted request or refusal would touch. */
async function footprint() {
  const n = async (table: typeof accessRequests | typeof auditEvents | typeof notifications | typeof outboxEmails) =>
    (await t.db.select({ n: count() }).from(table))[0]!.n;
  return {
    requests: await n(accessRequests),
    audit: await n(auditEvents),
    notifications: await n(notifications),
    mail: await n(outboxEmails),
  };
}

async function expectRefused(attempt: () => Promise<unknown>, code: string, field: string, message: RegExp) {
  const before = await footprint();
  await expect(attempt()).rejects.toMatchObject({ code, field, message: expect.stringMatching(message) });
  expect(await footprint()).toEqual(before);
}

describe("asking for access", () => {
  beforeEach(async () => {
    await clearRequests(t.db);
  });

  it("records Sarah's finance-reports ask as outside her policy, with the CFO as approver, told in-app and by mail", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const r = await submit(sarah, financeReportsAsk);
    expect(r).toMatchObject({ status: "pending", durationMinutes: 6 * 7 * 24 * 60, autoApproved: null });
    expect(r.assessment).toMatchObject({ overall: "outside" });
    const cfo = await identityIdByEmail(t.db, "cfo@company.com");
    expect(
      await t.db
        .select({ id: requestApprovers.identityId, via: requestApprovers.via })
        .from(requestApprovers)
        .where(eq(requestApprovers.requestId, r.id)),
    ).toEqual([{ id: cfo, via: "person" }]);
    const [note] = await t.db.select().from(notifications).where(eq(notifications.requestId, r.id));
    expect(note).toMatchObject({ recipientId: cfo, kind: "approval_needed", link: `/requests/${r.id}` });
    const mail = await t.db.select().from(outboxEmails).where(eq(outboxEmails.toAddress, "cfo@company.com"));
    expect(mail.at(-1)!.bodyText).toContain(`/requests/${r.id}`);
    expect(mail.at(-1)!.bodyText).toContain("you will be asked to sign in");
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, r.id));
    expect(event).toMatchObject({
      action: "request.submitted",
      actorLabel: "sarah.chen@company.com",
      reason: financeReportsAsk.justification,
    });
  });

  it("tells the form what policy says and who approves", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const form = await requestForm({ ctx: sarah, input: { templateKey: "finance-reports" } });
    expect(form.assessment.overall).toBe("outside");
    expect(form.stages[0]!.approvers.map((a) => a.email)).toEqual(["cfo@company.com"]);
    const john = await as(t.db, "john.doe@company.com");
    const prod = await requestForm({ ctx: john, input: { templateKey: "production-admin-incident" } });
    expect(prod.stages[0]!.approvers.map((a) => a.email)).toEqual(["oncall-lead@company.com"]);
  });

  it("refuses a second open request for the same template, pointing to the first", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const first = await submit(sarah, financeReportsAsk);
    await expectRefused(
      () => submit(sarah, financeReportsAsk),
      "CONFLICT",
      "templateKey",
      new RegExp(`REQ-${first.number} \\(/requests/${first.id}\\)`),
    );
  });

  it("lets the database refuse the second of two simultaneous asks", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const results = await Promise.allSettled([
      submit(sarah, financeReportsAsk),
      submit(sarah, financeReportsAsk),
      submit(sarah, financeReportsAsk),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    expect(await t.db.select().from(accessRequests)).toHaveLength(1);
  });

  it("refuses a duration over the template's maximum, naming it", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    await expectRefused(
      () => submit(sarah, { ...financeReportsAsk, durationMinutes: 13 * 7 * 24 * 60 }),
      "INVALID_INPUT",
      "durationMinutes",
      /13 weeks is longer than this access allows \(at most 12 weeks\)/,
    );
  });

  it("refuses a missing required field, naming it", async () => {
    const john = await as(t.db, "john.doe@company.com");
    await expectRefused(
      () => submit(john, { templateKey: "production-admin-incident", durationMinutes: 240, fields: {} }),
      "INVALID_INPUT",
      "fields.incident_id",
      /Incident is required/,
    );
  });

  it("refuses a justification that is too short", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    await expectRefused(
      () => submit(sarah, { ...financeReportsAsk, justification: "need it" }),
      "INVALID_INPUT",
      "justification",
      /at least 20 characters \(7 so far\)/,
    );
  });

  it("refuses access a deny policy forbids, naming the policy", async () => {
    const victor = await as(t.db, "consultant@external.com");
    await expectRefused(
      () =>
        submit(victor, {
          templateKey: "production-admin-incident",
          durationMinutes: 60,
          fields: { incident_id: "INC-1" },
        }),
      "FORBIDDEN",
      "templateKey",
      /no-production-for-contractors/,
    );
  });

  it("refuses access the person's policies already give, naming the policy", async () => {
    // Sales Engineers hold the Sales Engineer Salesforce profile through their role policy.
    const sarah = await as(t.db, "sarah.chen@company.com");
    await expectRefused(
      () => submit(sarah, { templateKey: "salesforce-role-transition", durationMinutes: 7 * 24 * 60 }),
      "CONFLICT",
      "templateKey",
      /You already have this through sales-engineer/,
    );
  });

  it("auto-approves an on-call engineer's incident access and says why; hands it to provisioning once", async () => {
    const jane = await as(t.db, "jane.smith@company.com");
    const r = await submit(jane, {
      templateKey: "production-admin-incident",
      durationMinutes: 240,
      fields: { incident_id: "INC-1234" },
    });
    expect(r).toMatchObject({
      status: "approved",
      autoApproved: "Auto-approved: the requester is in the on-call group",
      decidedBy: "system:auto-approval",
    });
    expect(r.accessEndsAt!.getTime() - r.accessStartsAt!.getTime()).toBe(4 * 3_600_000);
    expect(await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id))).toHaveLength(
      1,
    );
  });

  it("does not auto-approve someone outside the on-call group", async () => {
    const john = await as(t.db, "john.doe@company.com");
    const r = await submit(john, {
      templateKey: "production-admin-incident",
      durationMinutes: 240,
      fields: { incident_id: "INC-1234" },
    });
    expect(r.status).toBe("pending");
  });

  it("offers an extension for access held through an earlier request, continuing from its end", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const held = await submit(sarah, financeReportsAsk);
    await decideRequest({ ctx: await as(t.db, "cfo@company.com"), input: { requestId: held.id, decision: "approve" } });
    const [approved] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, held.id));
    await expectRefused(
      () => submit(sarah, financeReportsAsk),
      "CONFLICT",
      "extension",
      /ask for an extension instead/,
    );
    const extension = await submit(sarah, { ...financeReportsAsk, durationMinutes: 7 * 24 * 60, extension: true });
    expect(extension).toMatchObject({
      kind: "extension",
      extendsRequestId: held.id,
      status: "pending",
      requestedStart: approved!.accessEndsAt,
    });
  });

  it("never offers one for a privilege escalation (seed 000: no renewal)", async () => {
    const jane = await as(t.db, "jane.smith@company.com");
    await submit(jane, {
      templateKey: "production-admin-incident",
      durationMinutes: 60,
      fields: { incident_id: "INC-1" },
    });
    await expectRefused(
      () =>
        submit(jane, {
          templateKey: "production-admin-incident",
          durationMinutes: 60,
          fields: { incident_id: "INC-1" },
        }),
      "CONFLICT",
      "extension",
      /cannot be extended/,
    );
    await expectRefused(
      () =>
        submit(jane, {
          templateKey: "production-admin-incident",
          durationMinutes: 60,
          fields: { incident_id: "INC-1" },
          extension: true,
        }),
      "PRECONDITION_FAILED",
      "exceptionId",
      /never renewed/,
    );
  });

  it("lets the requester cancel while pending, and then ask again", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const first = await submit(sarah, financeReportsAsk);
    const cancelled = await cancelRequest({ ctx: sarah, input: { requestId: first.id } });
    expect(cancelled.status).toBe("cancelled");
    await expect(cancelRequest({ ctx: sarah, input: { requestId: first.id } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const john = await as(t.db, "john.doe@company.com");
    await expect(submit(sarah, financeReportsAsk)).resolves.toMatchObject({ status: "pending" });
    const second = (await t.db.select().from(accessRequests).where(eq(accessRequests.status, "pending")))[0]!;
    await expect(cancelRequest({ ctx: john, input: { requestId: second.id } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  // Last in this file: it moves Sarah to a new role.
  it("auto-approves seed 000's role-transition overlap, saying which change allowed it, and no one else", async () => {
    const jane = await as(t.db, "jane.smith@company.com");
    await expect(
      submit(jane, {
        templateKey: "salesforce-role-transition",
        durationMinutes: 30 * 24 * 60,
        justification: "Helping the sales team for a while",
      }),
    ).resolves.toMatchObject({ status: "pending", autoApproved: null });
    const sarah = await as(t.db, "sarah.chen@company.com");
    await changeIdentityAttributes({
      ctx: { db: t.db, actor: systemActor("hr"), clock: () => new Date("2026-11-12T09:00:00Z") },
      input: {
        identityId: sarah.actor.identityId,
        attributes: { job_title: "Engineering Manager", department: "Engineering" },
        source: "hr_event",
        effectiveAt: new Date("2026-11-12T09:00:00Z"),
        reason: "Promotion",
      },
    });
    const r = await submit(sarah, {
      templateKey: "salesforce-role-transition",
      durationMinutes: 30 * 24 * 60,
      justification:
        "Recently promoted to Engineering Manager. Need Salesforce access for 30 days to hand off customer accounts.",
    });
    expect(r.status).toBe("approved");
    expect(r.autoApproved).toMatch(
      /^Auto-approved: role transition \((job_title|department) changed from (Sales Engineer|Sales) on 2026-11-12, within the 30-day overlap\)$/,
    );
  });
});
