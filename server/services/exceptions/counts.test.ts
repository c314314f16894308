import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateIdentity } from "@/server/core/policy";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { loadPolicyIdentities, policyEngine } from "../policies/engine";
import { exceptionCounts } from "./queries";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("exception counts", () => {
  it("count every grant policy gives everyone (the share of access exceptions are measured against), as evaluating people one by one does", async () => {
    const now = new Date("2026-11-22T12:00:00Z");
    const engine = await policyEngine(t.db);
    const people = await loadPolicyIdentities(t.db);
    const expected = people.reduce((n, person) => n + evaluateIdentity(engine.compiled, person, now).length, 0);
    expect(expected).toBeGreaterThan(0);
    expect((await exceptionCounts(t.db, now)).policyGrants).toBe(expected);
  });
});
