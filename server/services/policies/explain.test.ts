import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resources } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { askForResource } from "../fallbacks/ask";
import { decideRequest } from "../requests/decide";
import { expectedAccessOf, explainPersonAccess } from "./index";

const FINANCE = "google:group:finance-reports@company.com";
const SANDBOX = "aws:account:sandbox";
let t: TestDatabase;
// A Tuesday at 10:00 UTC: inside the sandbox fallback's business hours.
const clock = movableClock("2026-11-17T10:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
  // Seed 000: Sarah asks for finance-reports, the CFO approves: EXC-1.
  const r = await submit(await as(t.db, "sarah.chen@company.com", clock), financeReportsAsk);
  await decideRequest({
    ctx: await as(t.db, "cfo@company.com", clock),
    input: { requestId: r.id, decision: "approve" },
  });
  // Seed 004: an engineer takes the AWS sandbox through the allow fallback.
  await askForResource({ ctx: await as(t.db, "jane.smith@company.com", clock), input: { resource: SANDBOX } });
});
afterAll(() => t.close());

const explain = async (email: string, resource: string) => {
  const it = await as(t.db, "priya.raman@company.com", clock);
  const person = await as(t.db, email, clock);
  return explainPersonAccess({ ctx: it, input: { identityId: person.actor.identityId, resource } });
};

describe("explain counts what expected access counts (issue 12 point 8)", () => {
  it("names EXC-1 for Sarah and finance-reports, where it answered 'does not have it … global-fallback-deny'", async () => {
    const why = await explain("sarah.chen@company.com", FINANCE);
    expect(why).toMatchObject({
      has: true,
      granted: null,
      fallback: null,
      temporary: [
        {
          number: 1,
          source: "request",
          type: "project",
          approvedBy: "David Okafor",
          counts: true,
          blockedBy: null,
          expiresAt: new Date("2026-12-30T00:00:00Z"),
        },
      ],
    });
  });

  it("names the allow fallback behind a fallback grant", async () => {
    const why = await explain("jane.smith@company.com", SANDBOX);
    expect(why).toMatchObject({
      has: true,
      granted: null,
      fallback: null,
      temporary: [{ source: "fallback", fallbackName: "sandbox-engineering-fallback", approvedBy: null, counts: true }],
    });
  });

  it(
    "agrees with expected access on every resource of the catalog, for people with and without temporary access",
    { timeout: 120_000 },
    async () => {
      const catalog = (await t.db.select({ key: resources.key }).from(resources)).map((r) => r.key);
      for (const email of ["sarah.chen@company.com", "jane.smith@company.com", "consultant@external.com"]) {
        const person = await as(t.db, email, clock);
        const expected = await expectedAccessOf({ ctx: person, input: { identityId: person.actor.identityId } });
        const held = new Set([...expected.grants.map((g) => g.resource), ...expected.temporary.map((g) => g.resource)]);
        const answers = await Promise.all(
          catalog.map(async (resource) => [resource, (await explain(email, resource)).has] as const),
        );
        expect(
          answers
            .filter(([, has]) => has)
            .map(([r]) => r)
            .sort(),
          email,
        ).toEqual([...held].sort());
      }
    },
  );

  it("stops naming the exception at its expiry by the clock, before any job has ended it", async () => {
    clock.set("2026-12-30T00:00:00Z");
    const why = await explain("sarah.chen@company.com", FINANCE);
    expect(why).toMatchObject({
      has: false,
      temporary: [],
      fallback: { action: "deny", name: "global-fallback-deny" },
    });
  });
});
