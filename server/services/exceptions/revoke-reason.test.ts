import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, manualTasks, notifications, outboxEmails } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { completeManualTask, runDueOperations } from "../provisioning/operations";
import { reportChunks } from "../reports/export";
import { reportSource } from "../reports/sources";
import { decideRequest } from "../requests/decide";
import { giveBackException, revokeException, revokeExceptions } from "./end";
import { getException } from "./queries";

let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** One approved finance-reports exception for `email` (asked, approved by the CFO). */
async function exceptionFor(email: string) {
  const r = await submit(await as(t.db, email, clock), financeReportsAsk);
  await decideRequest({
    ctx: await as(t.db, "cfo@company.com", clock),
    input: { requestId: r.id, decision: "approve" },
  });
  return (await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, r.id)))[0]!;
}

/** Google is a manual system in the demo organization: IT confirms each grant and removal by hand. */
async function deliverManualTasks() {
  await runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock } });
  const priya = await as(t.db, "priya.raman@company.com", clock);
  for (const task of await t.db.select().from(manualTasks).where(eq(manualTasks.status, "open")))
    await completeManualTask({ ctx: priya, input: { taskId: task.id } });
}

async function exceptionLogRow(number: number) {
  let json = "";
  for await (const chunk of reportChunks(reportSource(t.db, "exceptions", {}), "json")) json += chunk;
  return (JSON.parse(json) as Record<string, unknown>[]).find((r) => r.exception === `EXC-${number}`)!;
}

const told = (identityId: string, kind: string) =>
  t.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.recipientId, identityId), eq(notifications.kind, kind)));
const mailTo = (address: string) => t.db.select().from(outboxEmails).where(eq(outboxEmails.toAddress, address));

describe("the reason IT gives when revoking reaches the holder and the exception log (issue 12 point 9)", () => {
  it("tells the holder why, in the app and by email, at once and again when the removal is confirmed; the log says revoked: reason by who", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const e = await exceptionFor("sarah.chen@company.com");
    await deliverManualTasks();
    const mailsBefore = (await mailTo("sarah.chen@company.com")).length;

    clock.advance(60);
    const priya = await as(t.db, "priya.raman@company.com", clock);
    await revokeException({
      ctx: priya,
      input: { exceptionId: e.id, reason: "  The commission project was cancelled  " },
    });

    const [notice] = await told(sarah.actor.identityId, "exception_revoked");
    expect(notice).toMatchObject({
      title: "Your access to google:group:finance-reports@company.com was revoked",
      link: "/access",
    });
    expect(notice!.body).toContain(
      `EXC-${e.number} was revoked by Priya Raman (priya.raman@company.com): The commission project was cancelled`,
    );
    const mails = (await mailTo("sarah.chen@company.com")).slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("[Clearance] Your access to google:group:finance-reports@company.com was revoked");
    expect(mails[0]!.bodyText).toContain("The commission project was cancelled");

    expect(await exceptionLogRow(e.number)).toMatchObject({
      status: "Revoked",
      end_reason: "revoked: The commission project was cancelled by priya.raman@company.com",
    });
    const page = await getException({ ctx: sarah, input: { exceptionId: e.id } });
    expect(page.timeline.steps.find((s) => s.label === "Revoked")!.detail).toBe(
      "(revoked: The commission project was cancelled by priya.raman@company.com)",
    );

    // The removal, confirmed later, repeats the reason rather than a bare "ended (revoked)".
    clock.advance(5);
    await deliverManualTasks();
    const [removed] = await told(sarah.actor.identityId, "exception_removed");
    expect(removed!.body).toBe(
      `EXC-${e.number} ended (revoked: The commission project was cancelled by priya.raman@company.com).`,
    );
  });

  it("bulk revoke tells every holder the one reason; a bulk revoke that fails tells no one", async () => {
    const jane = await as(t.db, "jane.smith@company.com", clock);
    const bob = await as(t.db, "bob@company.com", clock);
    const [a, b] = [await exceptionFor("jane.smith@company.com"), await exceptionFor("bob@company.com")];
    const priya = await as(t.db, "priya.raman@company.com", clock);

    // All or none: b was given back, so the bulk revoke of a and b changes nothing and tells nobody.
    await giveBackException({ ctx: bob, input: { exceptionId: b.id } });
    await expect(
      revokeExceptions({ ctx: priya, input: { exceptionIds: [a.id, b.id], reason: "Quarterly clean-up" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await told(jane.actor.identityId, "exception_revoked")).toEqual([]);
    expect(await told(bob.actor.identityId, "exception_revoked")).toEqual([]);
    expect(await exceptionLogRow(b.number)).toMatchObject({
      status: "Given back",
      end_reason: "given back: no longer needed by bob@company.com",
    });

    const c = await exceptionFor("bob@company.com");
    await revokeExceptions({ ctx: priya, input: { exceptionIds: [a.id, c.id], reason: "Quarterly clean-up" } });
    for (const person of [jane, bob]) {
      const notices = await told(person.actor.identityId, "exception_revoked");
      expect(notices).toHaveLength(1);
      expect(notices[0]!.body).toContain("Quarterly clean-up");
    }
    expect(await exceptionLogRow(c.number)).toMatchObject({
      end_reason: "revoked: Quarterly clean-up by priya.raman@company.com",
    });
  });

  it("the holder giving access back is not told it was revoked", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const before = (await told(sarah.actor.identityId, "exception_revoked")).length;
    const e = await exceptionFor("sarah.chen@company.com");
    await giveBackException({ ctx: sarah, input: { exceptionId: e.id } });
    expect(await told(sarah.actor.identityId, "exception_revoked")).toHaveLength(before);
  });
});
