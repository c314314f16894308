import { userInfo } from "node:os";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, identities, portalRoleAssignments } from "@/server/db/schema";
import { clearanceCli } from "@/test/support/cli";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";

/** `clearance admin grant|revoke` against a new, empty database (issue 15, point 2), as a child process. */
describe("clearance admin", () => {
  let t: TestDatabase;
  const clearance = clearanceCli(() => t.url);
  const rolesOf = async (email: string) =>
    (
      await t.db
        .select({ role: portalRoleAssignments.role })
        .from(portalRoleAssignments)
        .innerJoin(identities, eq(identities.id, portalRoleAssignments.identityId))
        .where(eq(identities.email, email))
    ).map((r) => r.role);
  beforeAll(async () => {
    t = await createTestDatabase("empty");
  });
  afterAll(() => t.close());

  it("makes the first IT admin of a new instance, audited as the shell's user", async () => {
    const unknown = await clearance("admin", "grant", "alice@corp.example", "--role", "it_admin");
    expect(unknown).toMatchObject({ code: 2, stderr: "clearance: No identity has the email alice@corp.example\n" });
    const made = await clearance(
      "admin",
      "grant",
      "Alice@Corp.example",
      "--role",
      "it_admin",
      "--name",
      "Alice Martin",
      "--reason",
      "first administrator",
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^created Alice Martin <alice@corp\.example> is now it_admin in postgres:/);
    expect(await rolesOf("alice@corp.example")).toEqual(["it_admin"]);
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "portal_role.granted")));
    expect(event).toMatchObject({ actorLabel: `system:cli (${userInfo().username})`, reason: "first administrator" });
    expect(await clearance("admin", "grant", "alice@corp.example", "--role", "it_admin")).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/is already it_admin .*: nothing changed\n$/),
    });
  });

  it("names a bad role, and refuses to take IT admin from the last one; changes nothing", async () => {
    expect(await clearance("admin", "grant", "alice@corp.example", "--role", "root")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role is "root": it is it_admin or auditor'),
    });
    const last = await clearance("admin", "revoke", "alice@corp.example", "--role", "it_admin", "--reason", "gone");
    expect(last).toMatchObject({ code: 2, stderr: expect.stringMatching(/Alice Martin is the last IT admin/) });
    expect(await rolesOf("alice@corp.example")).toEqual(["it_admin"]);
  });

  it("grants and revokes auditor", async () => {
    expect((await clearance("admin", "grant", "alice@corp.example", "--role", "auditor")).code).toBe(0);
    expect((await rolesOf("alice@corp.example")).sort()).toEqual(["auditor", "it_admin"]);
    const revoked = await clearance("admin", "revoke", "alice@corp.example", "--role", "auditor", "--reason", "done");
    expect(revoked).toMatchObject({ code: 0, stdout: "Alice Martin <alice@corp.example> is no longer auditor\n" });
    expect(await rolesOf("alice@corp.example")).toEqual(["it_admin"]);
  });
});
