import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearanceCli } from "@/test/support/cli";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, submit } from "@/test/support/requests";
import { decideRequest } from "@/server/services/requests/decide";

const root = path.resolve(import.meta.dirname, "..");
const FINANCE = "google:group:finance-reports@company.com";

/** The CLI's explain says what it can know (issue 12 point 8): files hold no exceptions; the database does. */
describe("clearance policy explain and explain-db", { timeout: 90_000 }, () => {
  let t: TestDatabase;
  const clearance = clearanceCli(() => t.url);
  beforeAll(async () => {
    t = await createTestDatabase();
    // Seed 000, on the real clock (the CLI runs now): Sarah asks for finance-reports, the CFO approves.
    const now = () => new Date();
    const r = await submit(await as(t.db, "sarah.chen@company.com", now), financeReportsAsk);
    await decideRequest({
      ctx: await as(t.db, "cfo@company.com", now),
      input: { requestId: r.id, decision: "approve" },
    });
  });
  afterAll(() => t.close());

  it("explain-db names EXC-1 and its approver, as the Explain page does", async () => {
    const r = await clearance("policy", "explain-db", "--identity", "sarah.chen@company.com", "--resource", FINANCE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^sarah.chen@company.com HAS ${FINANCE}\\n  through exception EXC-1 \\(project\\), ` +
          `approved by David Okafor, until \\d{4}-\\d\\d-\\d\\d\\n  no policy in the active policy ` +
          `set \\(version 1\\) gives it\\n`,
      ),
    );
    expect(r.stdout).not.toContain("global-fallback-deny");
    const json = JSON.parse(
      (await clearance("policy", "explain-db", "--identity", "sarah.chen@company.com", "--resource", FINANCE, "--json"))
        .stdout,
    ) as Record<string, unknown>;
    expect(json).toMatchObject({
      has: true,
      granted: null,
      temporary: [{ number: 1, counts: true, approvedBy: "David Okafor" }],
    });
  });

  it("explain-db without access names the fallback that decides; an unknown email is exit 2", async () => {
    const r = await clearance("policy", "explain-db", "--identity", "jane.smith@company.com", "--resource", FINANCE);
    expect(r.stdout).toContain(`jane.smith@company.com does NOT have ${FINANCE}`);
    expect(r.stdout).toContain(
      "fallback global-fallback-deny decides: deny (Access denied: no policy gives you this.)",
    );
    expect(r.stdout).not.toContain("explain-db counts them");
    expect(
      await clearance("policy", "explain-db", "--identity", "nobody@company.com", "--resource", FINANCE),
    ).toMatchObject({ code: 2, stderr: "clearance: nobody in Clearance has the email nobody@company.com\n" });
  });

  it("explain over files says that exceptions are not in files, in text and JSON", async () => {
    const people = path.join(root, "policies/examples/identities.json");
    const r = await clearance(
      "policy",
      "explain",
      "policies",
      "--identities",
      people,
      "--identity",
      "sarah.chen",
      "--resource",
      FINANCE,
    );
    expect(r.stdout).toContain(
      `sarah.chen does NOT have ${FINANCE}\n` +
        `  (from the policies in policies only: exceptions and fallback grants are recorded in ` +
        `Clearance's database; clearance policy explain-db counts them)`,
    );
    const json = JSON.parse(
      (
        await clearance(
          "policy",
          "explain",
          "policies",
          "--identities",
          people,
          "--identity",
          "sarah.chen",
          "--resource",
          FINANCE,
          "--json",
        )
      ).stdout,
    ) as Record<string, unknown>;
    expect(json.temporaryAccess).toMatch(
      /^not counted: exceptions and fallback grants are recorded in Clearance's database/,
    );
  });
});
