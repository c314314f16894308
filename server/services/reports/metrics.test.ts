import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { auditEvents, identities, outboxEmails } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { decideRequest } from "../requests/decide";
import { metricsFor, sendMonthlyReport } from "./metrics";

let t: TestDatabase;
const clock = movableClock("2026-11-05T10:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("exception metrics and the monthly report", () => {
  it("five Sales people asking for finance-reports in a month make a recommendation, and the report goes out once on the 1st", async () => {
    const cfo = await as(t.db, "cfo@company.com", clock);
    const sales = await t.db
      .select({ email: identities.email })
      .from(identities)
      .where(
        and(
          eq(identities.department, "Sales"),
          eq(identities.employmentStatus, "Active"),
          like(identities.email, "%@company.com"),
        ),
      )
      .orderBy(identities.email);
    let asked = 0;
    for (const { email } of sales) {
      if (asked === 5) break;
      const person = await as(t.db, email, clock);
      const r = await submit(person, financeReportsAsk).catch(() => null); // some hold it by policy already
      if (!r) continue;
      clock.advance(90);
      await decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } });
      asked++;
    }
    expect(asked).toBe(5);

    const m = await metricsFor({ ctx: cfo, input: {} });
    expect(m.volume.active).toBe(5);
    expect(m.approval).toMatchObject({ p50Hours: 1.5, approvalRatePercent: 100, decided: 5, met: true });
    expect(m.common.resources).toEqual([{ resource: "google:group:finance-reports@company.com", count: 5 }]);
    expect(m.recommendations).toEqual([
      expect.objectContaining({
        text: "google:group:finance-reports@company.com requested 5 times by Sales this month: consider a policy",
        draftPolicy: expect.stringContaining(
          "  - department: Sales\ngrants:\n  - google:group:finance-reports@company.com\n",
        ),
      }),
    ]);

    clock.set("2026-12-01T06:00:00Z");
    const jobs = { db: t.db, actor: systemActor("reports-monthly"), clock };
    const sent = await sendMonthlyReport({ ctx: jobs });
    expect(sent).toBeGreaterThanOrEqual(2); // IT admins and the auditor
    expect(await sendMonthlyReport({ ctx: jobs })).toBe(0);
    const [mail] = await t.db
      .select()
      .from(outboxEmails)
      .where(
        and(
          eq(outboxEmails.toAddress, "auditor@company.com"),
          eq(outboxEmails.subject, "[Clearance] Exception Report - November 2026"),
        ),
      );
    expect(mail!.bodyText).toContain(
      [
        "Exception Report - November 2026",
        "",
        "Active Exceptions: 5",
        "New This Month: 5",
        "Expired This Month: 0",
        "",
        "Most Requested Resources:",
        "1. google:group:finance-reports@company.com (5 requests)",
        "",
        "Recommendation:",
        "- google:group:finance-reports@company.com requested 5 times by Sales this month: consider a policy.",
      ].join("\n"),
    );
  });

  it("two runs at once for the same month (two instances) send it once", async () => {
    clock.set("2027-01-01T06:00:00Z");
    const jobs = () => ({ db: t.db, actor: systemActor("reports-monthly"), clock });
    const sent = await Promise.all([sendMonthlyReport({ ctx: jobs() }), sendMonthlyReport({ ctx: jobs() })]);
    expect(sent.filter((n) => n > 0)).toHaveLength(1);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "report.monthly_sent"), eq(auditEvents.subjectId, "2026-12")));
    expect(events).toHaveLength(1);
  });
});
