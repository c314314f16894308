import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, auditEvents, provisioningOperations } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import {
  FINANCE_REPORTS,
  financeReportsCandidates,
  financeReportsException,
  shapeFinanceReportsTemplate,
} from "@/test/support/finance-exceptions";
import { startFlakyTarget, type FlakyTarget } from "@/test/support/flaky-target";
import { as, movableClock } from "@/test/support/requests";
import { expireExceptions } from "../exceptions/end";
import { closeAdapters } from "./adapters";
import { runDueOperations } from "./operations";
import { configureSystemAdapter } from "./system-admin";

const SECRET = "whsec_revocation_order";
const T0 = "2026-11-16T09:00:00Z";
const clock = movableClock(T0);
const at = (minutes: number) => new Date(new Date(T0).getTime() + minutes * 60_000);
let t: TestDatabase;
let target: FlakyTarget;

beforeAll(async () => {
  t = await createTestDatabase();
  target = await startFlakyTarget({ secret: SECRET, clock });
  const priya = await as(t.db, "priya.raman@company.com", clock);
  await configureSystemAdapter({
    ctx: priya,
    input: { systemKey: "google", adapterKind: "webhook", adapterConfig: { url: target.url, secret: SECRET } },
  });
});
afterAll(async () => {
  await closeAdapters();
  await target?.close();
  await t?.close();
});

describe("a late grant never follows a revoke (issue 12, point 6)", () => {
  it("ten 5-minute exceptions expire while their target answers 503 to grants; after it recovers none of them is granted, and no grant reached it after a revoke", async () => {
    // Grants retry 8 times with backoff (5 s … 320 s), longer than the exceptions last.
    await shapeFinanceReportsTemplate(t.db, { mode: "retry", maxAttempts: 8 }, [5]);
    target.failGrantsUntil(at(8));
    const people: { username: string; exceptionId: string }[] = [];
    for (const email of await financeReportsCandidates(t.db)) {
      if (people.length === 10) break;
      const made = await financeReportsException(t.db, email, clock, 5);
      if (made) people.push({ username: made.username, exceptionId: made.exception.id });
    }
    expect(people).toHaveLength(10);
    const ids = people.map((p) => p.exceptionId);

    // The enforcement loop, driven by the clock in 15-second steps; two runners at once around
    // the expiry and the recovery, as on two instances.
    const jobs = (name: string) => ({ db: t.db, actor: systemActor(name), clock });
    const unfinished = async () =>
      (
        await t.db
          .select({ id: provisioningOperations.id })
          .from(provisioningOperations)
          .where(inArray(provisioningOperations.status, ["pending", "waiting"]))
      ).length;
    for (let step = 0; clock() < at(30) || (await unfinished()) > 0; step++) {
      expect(step).toBeLessThan(400);
      await expireExceptions({ ctx: jobs("exceptions-expire") });
      const twoRunners = clock() >= at(4) && clock() < at(12);
      if (twoRunners)
        await Promise.all([
          runDueOperations({ ctx: jobs("provisioning") }),
          runDueOperations({ ctx: jobs("provisioning") }),
        ]);
      else await runDueOperations({ ctx: jobs("provisioning") });
      clock.advance(0.25);
    }

    // Every exception ended as removed; the target holds none of them.
    const ended = await t.db.select().from(accessExceptions).where(inArray(accessExceptions.id, ids));
    expect(ended.map((e) => [e.status, e.endReason])).toEqual(ids.map(() => ["removed", "expired"]));
    for (const p of people) expect(target.has(p.username, FINANCE_REPORTS), p.username).toBe(false);

    // Each person: grants answered 503 while the target was down, then the revoke; no grant after it.
    for (const p of people) {
      const calls = target.calls.filter((c) => c.username === p.username);
      const revokes = calls.filter((c) => c.action === "revoke");
      const grants = calls.filter((c) => c.action === "grant");
      expect(revokes.length, p.username).toBeGreaterThanOrEqual(1);
      expect(grants.length, p.username).toBeGreaterThanOrEqual(1);
      expect(
        grants.every((g) => g.status === 503),
        p.username,
      ).toBe(true);
      expect(Math.max(...grants.map((g) => g.n)), p.username).toBeLessThan(Math.min(...revokes.map((r) => r.n)));
    }

    // Two runners never had calls for the same person and resource open at once.
    expect(target.overlaps).toEqual([]);

    // Each grant was cancelled when its exception ended, saying so, with its audit event.
    const grants = await t.db
      .select()
      .from(provisioningOperations)
      .where(and(inArray(provisioningOperations.exceptionId, ids), eq(provisioningOperations.action, "grant")));
    expect(grants.map((g) => g.status)).toEqual(ids.map(() => "cancelled"));
    for (const g of grants) expect(g.cancelReason).toMatch(/^EXC-\d+ expired before its grant reached google/);
    const cancelled = await t.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "provisioning.cancelled"),
          inArray(
            auditEvents.subjectId,
            grants.map((g) => g.id),
          ),
        ),
      );
    expect(cancelled).toHaveLength(10);
  }, 120_000);
});
