import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, manualTasks, notifications, outboxEmails } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { decideRequest } from "../requests/decide";
import { runDueOperations } from "./operations";
import { itAdminIds } from "../portal-roles";

/** Issue 15, point 4: IT is told when a manual task opens, instead of finding it by chance. */
let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const run = () => runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock } });

describe("a manual task opens", () => {
  it("tells every IT admin in the app and by email, once, with a link to the system's page", async () => {
    const r = await submit(await as(t.db, "sarah.chen@company.com", clock), financeReportsAsk);
    await decideRequest({
      ctx: await as(t.db, "cfo@company.com", clock),
      input: { requestId: r.id, decision: "approve" },
    });
    const [exception] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, r.id));
    await run();
    const tasks = await t.db.select().from(manualTasks).where(eq(manualTasks.status, "open"));
    expect(tasks).toHaveLength(1);

    const told = await t.db.select().from(notifications).where(eq(notifications.kind, "manual_task"));
    const admins = await itAdminIds(t.db);
    const priya = await identityIdByEmail(t.db, "priya.raman@company.com");
    expect(admins).toContain(priya);
    expect(told.map((n) => n.recipientId).sort()).toEqual([...admins].sort());
    expect(told[0]).toMatchObject({
      title: `A task for IT on Google Workspace: grant ${exception!.resourceKey}`,
      link: "/systems/google",
    });
    expect(told[0]!.body).toContain(tasks[0]!.description);
    const mail = await t.db
      .select()
      .from(outboxEmails)
      .where(and(eq(outboxEmails.toAddress, "priya.raman@company.com")));
    expect(mail.filter((m) => m.subject.startsWith("[Clearance] A task for IT on Google Workspace"))).toHaveLength(1);

    // Nothing new to do: nobody is told again.
    await run();
    expect(await t.db.select().from(notifications).where(eq(notifications.kind, "manual_task"))).toHaveLength(
      told.length,
    );
  });
});
