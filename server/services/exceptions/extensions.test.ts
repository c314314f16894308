import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, exceptionExtensions } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { completeManualTask, runDueOperations } from "../provisioning/operations";
import { manualTasks, provisioningOperations } from "@/server/db/schema";
import { decideRequest } from "../requests/decide";
import { approvedException, approvedExtension } from "@/test/support/exceptions";
import { giveBackException, revokeException } from "./end";
import { proposeException, proposeExtension } from "./propose";
import { exceptionsOnMyResources } from "./mine";

let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const WEEK = 7 * 24 * 60;
const exceptionOf = async (requestId: string) =>
  (await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, requestId)))[0]!;

describe("extensions (invariant 9)", () => {
  it("two go to the original approver, the third and fourth only to the escalated approver, then none; a denied one keeps the expiry", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const ciso = await as(t.db, "ciso@company.com", clock);
    const r = await submit(sarah, { ...financeReportsAsk, durationMinutes: 2 * WEEK });
    await decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } });
    const e = await exceptionOf(r.id);
    let expiry = e.expiresAt.getTime();

    const extend = (justification: string) =>
      submit(sarah, { ...financeReportsAsk, durationMinutes: 1 * WEEK, justification, extension: true });
    for (const n of [1, 2]) {
      const x = await extend(`Extension number ${n}: the analysis takes longer than planned.`);
      expect(x.approvalStages).toBeNull();
      await decideRequest({ ctx: cfo, input: { requestId: x.id, decision: "approve" } });
      expiry += WEEK * 60_000;
      expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id)))[0]).toMatchObject({
        extensionsUsed: n,
        expiresAt: new Date(expiry),
      });
    }

    // A denied extension leaves the expiry where it was.
    const third = await extend("Extension number three: Q1 data arrived late.");
    expect(third.approvalStages).toEqual([
      expect.objectContaining({ approvers: [{ kind: "group", group: "security" }] }),
    ]);
    await expect(
      decideRequest({ ctx: cfo, input: { requestId: third.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await decideRequest({
      ctx: ciso,
      input: { requestId: third.id, decision: "deny", note: "Make this a policy instead" },
    });
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id)))[0]).toMatchObject({
      extensionsUsed: 2,
      expiresAt: new Date(expiry),
    });

    for (const n of [3, 4]) {
      const x = await extend(`Escalated extension ${n}: the audit needs another week.`);
      await decideRequest({ ctx: ciso, input: { requestId: x.id, decision: "approve" } });
      expiry += WEEK * 60_000;
    }
    expect(
      await t.db
        .select({
          ordinal: exceptionExtensions.ordinal,
          escalated: exceptionExtensions.escalated,
          by: exceptionExtensions.approvedBy,
        })
        .from(exceptionExtensions)
        .where(eq(exceptionExtensions.exceptionId, e.id))
        .orderBy(exceptionExtensions.ordinal),
    ).toEqual([
      { ordinal: 1, escalated: false, by: "cfo@company.com" },
      { ordinal: 2, escalated: false, by: "cfo@company.com" },
      { ordinal: 3, escalated: true, by: "ciso@company.com" },
      { ordinal: 4, escalated: true, by: "ciso@company.com" },
    ]);
    await expect(extend("A fifth extension that should not be possible at all.")).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/extended 4 times/),
    });
  });

  it("a role transition has a hard expiry: no extension", async () => {
    const { changeIdentityAttributes } = await import("../identities");
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    await changeIdentityAttributes({
      ctx: { db: t.db, actor: systemActor("hr"), clock },
      input: {
        identityId: sarah.actor.identityId,
        attributes: { job_title: "Engineering Manager", department: "Engineering" },
        source: "hr_event",
        effectiveAt: clock(),
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
    expect(await exceptionOf(r.id)).toMatchObject({
      type: "role_transition",
      approverId: null,
      approvalRule: expect.stringMatching(/^Auto-approved: role transition/),
    });
    await expect(
      submit(sarah, {
        templateKey: "salesforce-role-transition",
        durationMinutes: 7 * 24 * 60,
        justification: "Need a little more time for the hand-off.",
        extension: true,
      }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/hard expiry/),
    });
  });
});

describe("IT's actions on the dashboard", () => {
  it("IT proposes extensions within the same limits, decided by the approver it names: the third needs someone in the escalated group, nobody approves their own", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const alice = await as(t.db, "alice@company.com", clock);
    const e = await approvedException(
      t.db,
      {
        identityId: alice.actor.identityId,
        resource: "gitlab:group:finance",
        type: "project",
        justification: "Quarter-end reconciliation scripts",
        approverEmail: "cfo@company.com",
        expiresAt: new Date(clock().getTime() + 7 * 86_400_000),
      },
      { clock },
    );
    const input = (approverEmail: string) => ({
      exceptionId: e.id,
      durationMinutes: WEEK,
      justification: "The reconciliation runs one more week",
      approverEmail,
    });
    const extend = (approverEmail: string) => approvedExtension(t.db, input(approverEmail), { clock });
    await expect(proposeExtension({ ctx: priya, input: input("alice@company.com") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "approverEmail",
    });
    await expect(proposeExtension({ ctx: priya, input: input("priya.raman@company.com") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "approverEmail",
      message: expect.stringMatching(/Nobody approves what they propose/),
    });
    // Proposed, not yet approved: the expiry has not moved.
    const pending = await proposeExtension({ ctx: priya, input: input("cfo@company.com") });
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id)))[0]!.expiresAt).toEqual(
      e.expiresAt,
    );
    await expect(proposeExtension({ ctx: priya, input: input("cfo@company.com") })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already proposed/),
    });
    await decideRequest({
      ctx: await as(t.db, "cfo@company.com", clock),
      input: { requestId: pending.id, decision: "approve" },
    });
    await extend("cfo@company.com");
    await expect(proposeExtension({ ctx: priya, input: input("cfo@company.com") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "approverEmail",
      message: expect.stringMatching(/someone in the security group/),
    });
    const third = await extend("ciso@company.com");
    // 2026-11-09 09:00 + 1 week runs to the end of that day; then a week, then another.
    expect(e.expiresAt.toISOString()).toBe("2026-11-09T09:00:00.000Z");
    expect(third).toMatchObject({ extensionsUsed: 3, expiresAt: new Date("2026-12-01T00:00:00Z") });
    expect(
      (await t.db.select().from(exceptionExtensions).where(eq(exceptionExtensions.exceptionId, e.id))).map((x) => [
        x.ordinal,
        x.escalated,
        x.approvedBy,
      ]),
    ).toEqual([
      [1, false, "cfo@company.com"],
      [2, false, "cfo@company.com"],
      [3, true, "ciso@company.com"],
    ]);
  });

  it("the resource's owner may revoke, saying why; the owner sees it among what they own", async () => {
    const cfo = await as(t.db, "cfo@company.com", clock);
    const bob = await as(t.db, "bob@company.com", clock);
    const e = await approvedException(
      t.db,
      {
        identityId: bob.actor.identityId,
        resource: "gitlab:group:finance",
        type: "training",
        justification: "Learning the finance tooling code",
        approverEmail: "cto@company.com",
        expiresAt: new Date(clock().getTime() + 7 * 86_400_000),
      },
      { clock },
    );
    expect((await exceptionsOnMyResources({ ctx: cfo })).map((x) => x.id)).toContain(e.id);
    expect(await exceptionsOnMyResources({ ctx: bob })).toEqual([]);
    const revoked = await revokeException({
      ctx: cfo,
      input: { exceptionId: e.id, reason: "Finance code is frozen for the audit" },
    });
    expect(revoked).toMatchObject({
      endReason: "revoked",
      endedBy: "cfo@company.com",
      endNote: "Finance code is frozen for the audit",
      status: "removing",
    });
  });
});

describe("seed 000's anti-patterns are impossible", () => {
  it("an exception without expiry is refused by the service, naming the field, and by the database", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    const input = {
      identityId: johnId,
      resource: "google:group:finance-reports@company.com",
      level: null,
      type: "project" as const,
      justification: "Quarter-end numbers for the review",
      references: {},
      restrictions: {},
      approverEmail: "cfo@company.com",
    };
    const before = (await t.db.select().from(accessExceptions)).length;
    await expect(proposeException({ ctx: priya, input: { ...input, expiresAt: null } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "expiresAt",
    });
    await expect(
      proposeException({
        ctx: priya,
        input: { ...input, type: "privilege_escalation", expiresAt: new Date(clock().getTime() + 3 * 24 * 3_600_000) },
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "expiresAt",
      message: expect.stringMatching(/at most 1 day/),
    });
    await expect(
      proposeException({
        ctx: priya,
        input: { ...input, approverEmail: "john.doe@company.com", expiresAt: new Date(clock().getTime() + 86_400_000) },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "approverEmail" });
    expect(await t.db.select().from(accessExceptions)).toHaveLength(before);

    const cfoId = await identityIdByEmail(t.db, "cfo@company.com");
    const insert = (cols: string) =>
      t.db.execute(
        sql.raw(
          `insert into access_exceptions (identity_id, resource_key, source, type, justification, ` +
            `approved_at, created_by, created_at, starts_at, status, ${cols.split("|")[0]}) values ` +
            `('${johnId}', 'google:group:finance-reports@company.com', 'admin', 'project', 'x', ` +
            `now(), 'test', now(), now(), 'active', ${cols.split("|")[1]})`,
        ),
      );
    await expect(insert(`expires_at, approver_id|null, '${cfoId}'`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: "23502", column: "expires_at" }),
    });
    await expect(insert(`expires_at, approver_id|now() - interval '1 hour', '${cfoId}'`)).rejects.toMatchObject({
      cause: expect.objectContaining({ constraint: "access_exceptions_expiry" }),
    });
    await expect(insert(`expires_at, approver_id|now() + interval '1 day', null`)).rejects.toMatchObject({
      cause: expect.objectContaining({ constraint: "access_exceptions_approved" }),
    });
    await expect(
      insert(`expires_at, approver_id, extensions_used|now() + interval '1 day', '${cfoId}', 5`),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ constraint: "access_exceptions_extensions" }) });
  });

  it("a manual system's grant is a task for IT, tracked until done; revoke by IT needs a reason; the holder can give access back", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const jane = await as(t.db, "jane.smith@company.com", clock);
    const e = await approvedException(
      t.db,
      {
        identityId: jane.actor.identityId,
        resource: "google:group:finance-reports@company.com",
        type: "training",
        justification: "Finance onboarding training for two weeks",
        approverEmail: "cfo@company.com",
        expiresAt: new Date(clock().getTime() + 14 * 86_400_000),
      },
      { clock },
    );
    await runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock } });
    const [{ task }] = (await t.db
      .select({ task: manualTasks })
      .from(manualTasks)
      .innerJoin(provisioningOperations, eq(provisioningOperations.id, manualTasks.operationId))
      .where(and(eq(provisioningOperations.exceptionId, e.id), eq(manualTasks.status, "open")))) as [
      { task: typeof manualTasks.$inferSelect },
    ];
    expect(task!.description).toMatch(/google:group:finance-reports@company.com/);
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id)))[0]!.status).toBe(
      "granting",
    );
    await completeManualTask({ ctx: priya, input: { taskId: task!.id } });
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e.id)))[0]!.status).toBe("active");

    await expect(
      revokeException({ ctx: jane, input: { exceptionId: e.id, reason: "Not mine to revoke" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(revokeException({ ctx: priya, input: { exceptionId: e.id, reason: " " } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "reason",
    });
    const given = await giveBackException({ ctx: jane, input: { exceptionId: e.id } });
    expect(given).toMatchObject({ status: "removing", endReason: "given_back", endedBy: "jane.smith@company.com" });
    await expect(
      revokeException({ ctx: priya, input: { exceptionId: e.id, reason: "Cleanup" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
