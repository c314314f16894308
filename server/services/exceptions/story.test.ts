import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import {
  accessExceptions,
  accessRequests,
  adapterCalls,
  auditEvents,
  notifications,
  outboxEmails,
  provisioningOperations,
} from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startSlapd, type Slapd } from "@/test/support/slapd";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { expectedAccessOf } from "../policies";
import { closeAdapters } from "../provisioning/adapters";
import { runDueOperations } from "../provisioning/operations";
import { configureSystemAdapter } from "../provisioning/system-admin";
import { decideRequest } from "../requests/decide";
import { publicUrl } from "../requests/notify";
import { expireExceptions } from "./end";
import { getException } from "./queries";
import { remindExpiringExceptions } from "./remind";

let t: TestDatabase;
let slapd: Slapd;
const GROUP = "finance-reports@company.com";
const clock = movableClock("2024-11-24T14:00:00Z");
const system = (name: string) => ({ db: t.db, actor: systemActor(name), clock });

beforeAll(async () => {
  [t, slapd] = await Promise.all([createTestDatabase(), startSlapd()]);
  const priya = await as(t.db, "priya.raman@company.com", clock);
  // Google groups are synced from the directory here: Clearance manages the LDAP group.
  await configureSystemAdapter({
    ctx: priya,
    input: {
      systemKey: "google",
      adapterKind: "ldap",
      adapterConfig: {
        url: slapd.url,
        bindDn: slapd.bindDn,
        bindPassword: slapd.bindPassword,
        groupBaseDn: slapd.groupBaseDn,
        userDnTemplate: slapd.userDnTemplate,
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await closeAdapters();
  await Promise.all([t?.close(), slapd?.stop()]);
});

const sarahDn = () => slapd.userDnTemplate.replace("{username}", "sarah.chen");

describe("seed 000's story, end to end with the clock injected", () => {
  it("request → CFO approves → delivered to LDAP → reminder → extension → expiry → removed, and the timeline reads as the seed's", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);

    // 1. Sarah asks for six weeks.
    const request = await submit(sarah, {
      ...financeReportsAsk,
      fields: { project: "Commission Transparency Initiative" },
    });
    expect(request.status).toBe("pending");

    // 2. The CFO approves at 14:30: an exception exists, its grant is queued, nothing is in LDAP yet.
    clock.set("2024-11-24T14:30:00Z");
    await decideRequest({
      ctx: cfo,
      input: {
        requestId: request.id,
        decision: "approve",
        note: "Approved for commission analysis. Ensure data is handled per privacy policy.",
      },
    });
    const [created] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, request.id));
    expect(created).toMatchObject({
      status: "granting",
      type: "project",
      resourceKey: `google:group:${GROUP}`,
      approvalNote: "Approved for commission analysis. Ensure data is handled per privacy policy.",
    });
    expect(created!.references).toEqual({ project: "Commission Transparency Initiative" });
    expect(created!.expiresAt.toISOString()).toBe("2025-01-06T00:00:00.000Z");
    expect(await slapd.members(GROUP)).not.toContain(sarahDn());

    // 3. Provisioning runs at 14:35: Sarah is in the real slapd group; the exception is active.
    clock.set("2024-11-24T14:35:00Z");
    expect(await runDueOperations({ ctx: system("provisioning") })).toBe(1);
    expect(await slapd.members(GROUP)).toContain(sarahDn());
    const [active] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, created!.id));
    expect(active).toMatchObject({ status: "active", deliveredAt: new Date("2024-11-24T14:35:00Z") });

    // 4. Monitoring: it counts as expected access (temporary), with 38 days remaining on Nov 29.
    clock.set("2024-11-29T09:00:00Z");
    const access = await expectedAccessOf({ ctx: sarah, input: { identityId: sarah.actor.identityId } });
    expect(access.temporary.map((g) => g.resource)).toEqual([`google:group:${GROUP}`]);
    expect((await getException({ ctx: sarah, input: { exceptionId: created!.id } })).daysRemaining).toBe(38);

    // 5. Fourteen days before expiry, and not a minute earlier, Sarah is reminded by email and in-app.
    clock.set("2024-12-22T23:59:00Z");
    expect(await remindExpiringExceptions({ ctx: system("exceptions-remind") })).toBe(0);
    clock.set("2024-12-23T00:00:00Z");
    expect(await remindExpiringExceptions({ ctx: system("exceptions-remind") })).toBe(1);
    expect(await remindExpiringExceptions({ ctx: system("exceptions-remind") })).toBe(0);
    const [mail] = await t.db
      .select()
      .from(outboxEmails)
      .where(
        and(
          eq(outboxEmails.toAddress, "sarah.chen@company.com"),
          eq(outboxEmails.subject, `[Clearance] Your access to google:group:${GROUP} expires in 14 days`),
        ),
      );
    expect(mail!.bodyText).toContain(`Your temporary access to google:group:${GROUP} expires in 14 days (2025-01-06).`);
    expect(mail!.bodyText).toContain(`ask for an extension: ${publicUrl()}/request/finance-reports`);
    expect(mail!.bodyText).toContain("If you no longer need it, do nothing: it is removed on 2025-01-06.");
    expect(
      await t.db
        .select()
        .from(notifications)
        .where(
          and(eq(notifications.recipientId, sarah.actor.identityId), eq(notifications.kind, "exception_expiring")),
        ),
    ).toHaveLength(1);

    // 6. Sarah asks for four more weeks; the CFO approves; the expiry moves to 2025-02-03.
    clock.set("2024-12-23T10:00:00Z");
    const extension = await submit(sarah, {
      ...financeReportsAsk,
      durationMinutes: 4 * 7 * 24 * 60,
      justification: "Project extended. Need to analyze Q1 data as well.",
      extension: true,
    });
    expect(extension).toMatchObject({ kind: "extension", status: "pending" });
    clock.set("2024-12-23T11:00:00Z");
    await decideRequest({ ctx: cfo, input: { requestId: extension.id, decision: "approve" } });
    const [extended] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, created!.id));
    expect(extended).toMatchObject({
      expiresAt: new Date("2025-02-03T00:00:00Z"),
      extensionsUsed: 1,
      status: "active",
    });

    // 7. The original date passes without effect; the new one ends it and LDAP loses the member.
    clock.set("2025-01-06T00:00:00Z");
    expect(await expireExceptions({ ctx: system("exceptions-expire") })).toBe(0);
    clock.set("2025-02-03T00:00:02Z");
    expect(await expireExceptions({ ctx: system("exceptions-expire") })).toBe(1);
    expect(await runDueOperations({ ctx: system("provisioning") })).toBe(1);
    expect(await slapd.members(GROUP)).not.toContain(sarahDn());
    const [removed] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, created!.id));
    expect(removed).toMatchObject({
      status: "removed",
      endReason: "expired",
      endedAt: new Date("2025-02-03T00:00:00Z"),
    });
    // The extension request carries the new end; a new ask is not offered as an extension any more.
    const [ext] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, extension.id));
    expect(ext!.accessEndsAt).toEqual(new Date("2025-02-03T00:00:00Z"));

    // 8. The lifecycle reads as seed 000's audit trail.
    const detail = await getException({ ctx: sarah, input: { exceptionId: created!.id } });
    expect(detail.timeline.steps.map((s) => [s.label, s.at.toISOString(), s.detail])).toEqual([
      ["Requested", "2024-11-24T14:00:00.000Z", ""],
      ["Approved", "2024-11-24T14:30:00.000Z", "by cfo@company.com"],
      ["Granted", "2024-11-24T14:35:00.000Z", "the system confirmed"],
      ["Extended", "2024-12-23T11:00:00.000Z", "+4 weeks, approved by cfo@company.com"],
      ["Revoked", "2025-02-03T00:00:00.000Z", "(expired)"],
      ["Removal delivered", "2025-02-03T00:00:02.000Z", "the system confirmed"],
    ]);
    expect(detail.timeline.durationDays).toBe(71);
    expect(detail.decisionToDeliveryMs).toBe(5 * 60_000);
    const actions = (
      await t.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, created!.id))
    ).map((a) => a.action);
    expect(actions).toEqual([
      "exception.created",
      "exception.delivered",
      "exception.reminded",
      "exception.extended",
      "exception.expired",
      "exception.removal_delivered",
    ]);
    const calls = await t.db
      .select({ call: adapterCalls.call, outcome: adapterCalls.outcome })
      .from(adapterCalls)
      .where(eq(adapterCalls.systemKey, "google"));
    expect(calls).toEqual([
      { call: "grant", outcome: "done" },
      { call: "revoke", outcome: "done" },
    ]);
    expect(
      await t.db.select().from(provisioningOperations).where(eq(provisioningOperations.exceptionId, created!.id)),
    ).toHaveLength(2);
  });
});

describe("dual enforcement", () => {
  it("an exception past its expiry is absent from expected access while no job runs; the worker, when it starts, revokes it once", async () => {
    const { startWorkers } = await import("@/server/jobs/worker");
    const { identityIdByEmail } = await import("@/test/support/actors");
    const { approvedException } = await import("@/test/support/exceptions");
    const then = movableClock(new Date(Date.now() - 3 * 3_600_000).toISOString());
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    const e = await approvedException(
      t.db,
      {
        identityId: johnId,
        resource: `google:group:${GROUP}`,
        type: "project",
        justification: "Quarter-end numbers for the sales review",
        references: { ticket: "IT-4711" },
        approverEmail: "cfo@company.com",
        expiresAt: new Date(then().getTime() + 3_600_000),
      },
      { clock: then },
    );
    expect(await runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock: then } })).toBe(1);
    const johnDn = slapd.userDnTemplate.replace("{username}", "john.doe");
    expect(await slapd.members(GROUP)).toContain(johnDn);

    // Two hours past its expiry, nothing has run: the row still says active, expected access does not count it.
    const john = await as(t.db, "john.doe@company.com", () => new Date());
    const [stale] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id));
    expect(stale).toMatchObject({ status: "active", endedAt: null });
    const access = await expectedAccessOf({ ctx: john, input: { identityId: johnId } });
    expect(access.temporary).toEqual([]);
    expect(access.grants.map((g) => g.resource)).not.toContain(`google:group:${GROUP}`);

    const workers = await startWorkers({ databaseUrl: t.url, db: t.db, log: () => undefined });
    try {
      await workers.enforcement.caughtUp;
      await workers.enforcement.runNow();
    } finally {
      await workers.stop();
    }
    const [ended] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id));
    expect(ended).toMatchObject({ status: "removed", endReason: "expired" });
    expect(ended!.endedAt).toEqual(ended!.expiresAt);
    expect(await slapd.members(GROUP)).not.toContain(johnDn);
    const revokes = await t.db
      .select()
      .from(provisioningOperations)
      .where(and(eq(provisioningOperations.exceptionId, e.id), eq(provisioningOperations.action, "revoke")));
    expect(revokes).toHaveLength(1);
    expect(
      await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, e.id), eq(auditEvents.action, "exception.expired"))),
    ).toHaveLength(1);
  });
});
