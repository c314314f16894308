import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { approvedException } from "@/test/support/exceptions";
import { expireExceptions, revokeException } from "../exceptions/end";
import { changeIdentityAttributes } from "../identities";
import { expectedAccessOf } from "../policies";
import { decideRequest } from "../requests/decide";
import { accessAsOf } from "./access-as-of";

let t: TestDatabase;
// Days after the seeded organization (whose policies and people date from when the tests started).
const start = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 + 9 * 3_600_000);
const clock = movableClock(start.toISOString());
const DAY = 24 * 60;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** What expected access said at this moment, as the report should rebuild it later. */
async function snapshot(email: string) {
  const ctx = await as(t.db, email, clock);
  const access = await expectedAccessOf({ ctx, input: { identityId: ctx.actor.identityId } });
  return [
    ...access.grants.map((g) => `${g.resource}|${g.level ?? ""}|policy`),
    ...access.temporary.map((x) => `${x.resource}|${x.level ?? ""}|exception`),
  ].sort();
}

describe("access as of a past date", () => {
  it("matches what expected access was at each moment, through grants, extensions, revokes, an attribute change and expiry", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const moments: { at: Date; expected: string[] }[] = [];
    const record = async () => moments.push({ at: clock(), expected: await snapshot("sarah.chen@company.com") });

    await record(); // policy only
    const r = await submit(sarah, financeReportsAsk);
    clock.advance(30);
    await decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } });
    clock.advance(30);
    await record(); // + finance-reports
    clock.advance(10 * DAY);
    const training = await approvedException(
      t.db,
      {
        identityId: sarah.actor.identityId,
        resource: "gitlab:group:finance",
        type: "training",
        justification: "Finance tooling walkthrough",
        approverEmail: "cfo@company.com",
        expiresAt: new Date(clock().getTime() + 7 * DAY * 60_000),
      },
      { clock },
    );
    clock.advance(60);
    await record(); // + gitlab finance
    clock.advance(2 * DAY);
    await revokeException({ ctx: priya, input: { exceptionId: training.id, reason: "Walkthrough done early" } });
    clock.advance(60);
    await record(); // gitlab finance gone
    clock.advance(8 * DAY);
    const x = await submit(sarah, {
      ...financeReportsAsk,
      durationMinutes: 4 * 7 * DAY,
      justification: "Project extended. Need to analyze Q1 data as well.",
      extension: true,
    });
    await decideRequest({ ctx: cfo, input: { requestId: x.id, decision: "approve" } });
    clock.advance(60);
    await record(); // extended
    clock.advance(DAY);
    await changeIdentityAttributes({
      ctx: { db: t.db, actor: systemActor("hr"), clock },
      input: {
        identityId: sarah.actor.identityId,
        attributes: { job_title: "Solutions Architect", job_level: "L5" },
        source: "hr_event",
        effectiveAt: clock(),
        reason: "Promotion",
      },
    });
    clock.advance(60);
    await record(); // policy grants of the new title
    clock.advance(25 * DAY); // past the original six weeks, inside the extension
    await record();
    clock.advance(40 * DAY); // past the extension; the job has not run yet
    await record();
    await expireExceptions({ ctx: { db: t.db, actor: systemActor("exceptions-expire"), clock } });
    clock.advance(60);
    await record();

    // The moments differ from each other, so the comparison below can fail.
    expect(new Set(moments.map((m) => m.expected.join(","))).size).toBeGreaterThanOrEqual(5);
    for (const m of moments) {
      const rows = await accessAsOf(t.db, m.at, { person: "sarah.chen@company.com" });
      expect(
        rows
          .map((row) => `${row.resource}|${row.level ?? ""}|${row.source === "policy" ? "policy" : "exception"}`)
          .sort(),
        m.at.toISOString(),
      ).toEqual(m.expected);
    }
  });
});
