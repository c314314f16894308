import { min } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { decideRequest } from "../requests/decide";
import { evidencePackContents } from "./evidence-contents";

let t: TestDatabase;
const clock = movableClock("2024-11-24T14:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const r = await submit(await as(t.db, "sarah.chen@company.com", clock), financeReportsAsk);
  clock.set("2024-11-24T14:30:00Z");
  await decideRequest({
    ctx: await as(t.db, "cfo@company.com", clock),
    input: { requestId: r.id, decision: "approve" },
  });
});
afterAll(() => t.close());

const rowsOf = (files: { name: string; rows: number }[]) => Object.fromEntries(files.map((f) => [f.name, f.rows]));

describe("what an evidence pack holds, before download", () => {
  it("counts the rows of each file for the chosen period, and a quiet period shows as empty", async () => {
    const auditor = await as(t.db, "auditor@company.com", clock);
    const november = await evidencePackContents({ ctx: auditor, input: { from: "2024-11-01", to: "2024-11-30" } });
    expect(rowsOf(november.files)).toMatchObject({ "exception-log.csv": 1, "approvals.csv": 1, "requests.csv": 1 });
    const january = await evidencePackContents({ ctx: auditor, input: { from: "2024-01-01", to: "2024-01-31" } });
    expect(rowsOf(january.files)).toMatchObject({
      "exception-log.csv": 0,
      "approvals.csv": 0,
      "requests.csv": 0,
      "leavers.csv": 0,
      "policy-changes.csv": 0,
    });
    await expect(
      evidencePackContents({ ctx: auditor, input: { from: "2024-12-01", to: "2024-11-01" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "to" });
  });

  it("without a period it takes the default: the last 90 days up to today when history is older", async () => {
    const later = movableClock(new Date(Date.now() + 86_400_000).toISOString());
    const [first] = await t.db.select({ at: min(auditEvents.occurredAt) }).from(auditEvents);
    expect(first!.at!.toISOString()).toMatch(/^2024-11-24/);
    const contents = await evidencePackContents({ ctx: await as(t.db, "auditor@company.com", later), input: {} });
    expect(contents.period).toEqual({
      from: new Date(later().getTime() - 89 * 86_400_000).toISOString().slice(0, 10),
      to: later().toISOString().slice(0, 10),
    });
    expect(contents.files.find((f) => f.name === "audit-events.csv")!.rows).toBeGreaterThan(0);
  });
});
