import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { withDatabase } from "@/test/support/urls";
import { waitForOtherSessionsToClose } from "./drain";

let t: TestDatabase;
// The launcher asks as the embedded server's superuser, who sees every role's sessions.
let superuserUrl: string;
beforeAll(async () => {
  t = await createTestDatabase("empty");
  superuserUrl = withDatabase(inject("adminUrl"), t.name);
});
afterAll(() => t.close());

describe("waitForOtherSessionsToClose (the launcher, before it stops its own PostgreSQL)", () => {
  it("waits while another session is connected and returns once it leaves", async () => {
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    // Still connected at the end of a short wait: it says how many are left.
    expect(await waitForOtherSessionsToClose(superuserUrl, 200)).toBe(1);

    const waiting = waitForOtherSessionsToClose(superuserUrl, 60_000);
    setTimeout(() => void other.end(), 300);
    expect(await waiting).toBe(0);
  });

  it("counts the sessions of every role (the app's, the owner's)", async () => {
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    try {
      expect(await waitForOtherSessionsToClose(superuserUrl, 100)).toBe(1);
    } finally {
      await owner.end();
    }
  });

  it("returns 0 when the database cannot be reached", async () => {
    expect(await waitForOtherSessionsToClose("postgres://nobody@127.0.0.1:1/none", 100)).toBe(0);
  });
});
