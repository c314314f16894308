import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessExceptions,
  accessRequests,
  auditEvents,
  driftRuns,
  notifications,
  outboxEmails,
} from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startInstance, type Instance } from "./support/instance";
import { runOnBothAtOnce } from "./support/jobs";
import {
  adapterCallsByOperation,
  auditCounts,
  auditVerifies,
  exceptionsByIds,
  checkOperationsAtTarget,
  openExceptions,
  operationStatuses,
  operationsOf,
  proposals,
  webhookSystem,
} from "./support/scene";
import { startRecordingTarget, type RecordingTarget } from "./support/target";
import { until } from "./support/wait";

/**
 * Two real instances (`npm start`, jobs on in both) on one database: expiry and the scheduled
 * jobs do their work once across the cluster (issue 14, "Tests").
 */
const SECRET = "whsec_cluster_expiry";
const EXCEPTIONS = 200;
let t: TestDatabase;
let target: RecordingTarget;
let instances: Instance[] = [];
let exceptionIds: string[] = [];
let resourceKeys: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  // A vendor that takes a while to answer, so the two instances' calls overlap.
  target = await startRecordingTarget({ secret: SECRET, delayMs: 60 });
  resourceKeys = await webhookSystem(t.db, {
    key: "vendor-app",
    url: target.url,
    secret: SECRET,
    count: EXCEPTIONS,
  });
  exceptionIds = await openExceptions(t.db, resourceKeys);
  instances = await Promise.all(
    ["a", "b"].map((name) => startInstance({ name, databaseUrl: t.url, ownerUrl: t.ownerUrl })),
  );
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await target?.close();
  await t?.close();
});

const logsOf = () => instances.map((i) => i.tail(20)).join("\n");

describe("two instances with jobs on, one database", () => {
  it(`end, revoke and audit each of ${EXCEPTIONS} exceptions expiring together exactly once`, async () => {
    // Their grants first: every exception delivered, once each.
    await until(
      async () => (await operationStatuses(t.db, exceptionIds))["grant:done"] === EXCEPTIONS,
      `${EXCEPTIONS} grants to be done`,
      150_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${logsOf()}`);
    });
    // Then all of them expire at once.
    await t.db
      .update(accessExceptions)
      .set({ expiresAt: sql`now()` })
      .where(inArray(accessExceptions.id, exceptionIds));
    await until(
      async () => (await operationStatuses(t.db, exceptionIds))["revoke:done"] === EXCEPTIONS,
      `${EXCEPTIONS} removals to be done`,
      150_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await operationStatuses(t.db, exceptionIds))}\n${logsOf()}`);
    });

    const exceptions = await exceptionsByIds(t.db, exceptionIds);
    expect(exceptions.filter((e) => e.status === "removed" && e.endReason === "expired")).toHaveLength(EXCEPTIONS);
    const operations = await operationsOf(t.db, exceptionIds);
    // One grant and one revoke per exception, nothing else queued for them.
    expect(await operationStatuses(t.db, exceptionIds)).toEqual({
      "grant:done": EXCEPTIONS,
      "revoke:done": EXCEPTIONS,
    });
    for (const id of exceptionIds)
      expect(
        operations
          .filter((o) => o.exceptionId === id)
          .map((o) => o.action)
          .sort(),
      ).toEqual(["grant", "revoke"]);

    const audited = await auditCounts(
      t.db,
      [...exceptionIds, ...operations.map((o) => o.id)],
      [
        "exception.delivered",
        "exception.expired",
        "exception.removal_delivered",
        "provisioning.granted",
        "provisioning.revoked",
      ],
    );
    const auditProblems: string[] = [];
    for (const id of exceptionIds)
      for (const action of ["exception.delivered", "exception.expired", "exception.removal_delivered"])
        if (audited(id, action) !== 1) auditProblems.push(`${id}: ${audited(id, action)} × ${action}`);
    for (const op of operations) {
      const action = op.action === "grant" ? "provisioning.granted" : "provisioning.revoked";
      if (audited(op.id, action) !== 1) auditProblems.push(`${op.id}: ${audited(op.id, action)} × ${action}`);
    }
    expect(auditProblems).toEqual([]);

    // At the target and in adapter_calls: each grant and each removal once (a repeat only with its own key).
    const logged = await adapterCallsByOperation(
      t.db,
      operations.map((o) => o.id),
    );
    const atTarget = checkOperationsAtTarget(target, operations, logged, { crashed: false });
    expect(atTarget.problems).toEqual([]);
    // One key per operation at the target: 200 grants and 200 removals, and any repeat is one of them again.
    expect(new Set(target.calls.map((c) => c.idempotencyKey)).size).toBe(2 * EXCEPTIONS);
    console.log(
      `expiry: ${target.calls.length} calls at the target for ${operations.length} operations (${atTarget.repeats} of them repeats with the same key); ` +
        instances
          .map(
            (i) =>
              `${i.name}: ${i.lines.filter((l) => / exceptions? expired/.test(l)).length} rounds that expired some`,
          )
          .join(", "),
    );
  });

  it("the monthly report runs on both instances for the same month and is sent once", async () => {
    const month = (() => {
      const now = new Date();
      const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1);
      return `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, "0")}`;
    })();
    const outboxBefore = await t.db.select({ id: outboxEmails.id }).from(outboxEmails);
    const lastOutboxId = Math.max(0, ...outboxBefore.map((o) => o.id));
    // Its first query reads the audit trail (has this month been sent?): both wait there, then go on together.
    await runOnBothAtOnce({
      databaseUrl: t.url,
      databaseName: t.name,
      queue: "reports-monthly",
      firstTable: "audit_events",
    });

    const sent = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "report.monthly_sent"), eq(auditEvents.subjectId, month)));
    expect(sent).toHaveLength(1);
    const told = await t.db.select().from(notifications).where(eq(notifications.kind, "monthly_report"));
    expect(told.length).toBeGreaterThan(0);
    expect(new Set(told.map((n) => n.recipientId)).size).toBe(told.length);
    const mailed = await t.db
      .select()
      .from(outboxEmails)
      .where(
        and(gt(outboxEmails.id, lastOutboxId), sql`${outboxEmails.subject} like ${`[Clearance] ${told[0]!.title}`}`),
      );
    expect(mailed).toHaveLength(told.length);
    expect(new Set(mailed.map((m) => m.toAddress)).size).toBe(told.length);
  });

  it("approvers are reminded of a waiting request once when both instances run the reminders together", async () => {
    // Requests waiting on the CFO, who has not been reminded for a month.
    const requestIds = await proposals(t.db, resourceKeys.slice(0, 5), "cfo@company.com");
    await t.db
      .update(accessRequests)
      .set({ stageStartedAt: sql`now() - interval '30 days'`, remindedAt: null })
      .where(inArray(accessRequests.id, requestIds));
    const [{ lastAudit, lastNote }] = (
      await t.db.execute<{ lastAudit: number; lastNote: number }>(
        sql`select (select coalesce(max(id), 0) from audit_events)::bigint as "lastAudit",
                   (select coalesce(max(id), 0) from notifications)::bigint as "lastNote"`,
      )
    ).rows as [{ lastAudit: number; lastNote: number }];
    await runOnBothAtOnce({
      databaseUrl: t.url,
      databaseName: t.name,
      queue: "requests-remind",
      firstTable: "access_requests",
    });

    const reminded = await t.db
      .select({ subjectId: auditEvents.subjectId, n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "request.reminded"), gt(auditEvents.id, Number(lastAudit))))
      .groupBy(auditEvents.subjectId);
    expect(reminded.filter((r) => requestIds.includes(r.subjectId!)).map((r) => r.n)).toEqual(requestIds.map(() => 1));
    expect(reminded.filter((r) => r.n !== 1)).toEqual([]);
    const notes = await t.db
      .select({
        recipientId: notifications.recipientId,
        requestId: notifications.requestId,
        n: sql<number>`count(*)::int`,
      })
      .from(notifications)
      .where(and(eq(notifications.kind, "reminder"), gt(notifications.id, Number(lastNote))))
      .groupBy(notifications.recipientId, notifications.requestId);
    expect(notes.filter((r) => requestIds.includes(r.requestId!))).toHaveLength(requestIds.length);
    expect(notes.filter((r) => r.n !== 1)).toEqual([]);
  });

  it("the daily drift check runs on both instances for the same day and checks each system once", async () => {
    const before = await t.db.select({ id: driftRuns.id }).from(driftRuns);
    // Its first query lists the systems: both wait there, then go on together.
    await runOnBothAtOnce({ databaseUrl: t.url, databaseName: t.name, queue: "drift-daily", firstTable: "systems" });
    const runs = await t.db.select().from(driftRuns).where(eq(driftRuns.trigger, "schedule"));
    const fresh = runs.filter((r) => !before.some((b) => b.id === r.id));
    // vendor-app is the one system here whose adapter can read access back (the demo's are manual).
    expect(fresh.map((r) => `${r.systemKey} ${r.status}`)).toEqual(["vendor-app done"]);
    // Run again the same day (pg-boss delivering the job again): nothing more.
    await runOnBothAtOnce({ databaseUrl: t.url, databaseName: t.name, queue: "drift-daily", firstTable: "systems" });
    expect(await t.db.select().from(driftRuns).where(eq(driftRuns.trigger, "schedule"))).toHaveLength(runs.length);
  });

  it("the audit chain verifies after all of it (`clearance audit verify`)", async () => {
    expect(await auditVerifies(t.url)).toMatch(/audit chain verified/);
  });
});
