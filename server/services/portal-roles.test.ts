import { and, count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { auditEvents, identities, portalRoleAssignments } from "@/server/db/schema";
import { fixedClock, identityIdByEmail, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { activeItAdmins, grantPortalRole, revokePortalRole } from "./portal-roles";
import { authorizeSignIn, setupState } from "./sign-in";

let t: TestDatabase;
const shell = () => serviceContext(t.db, systemActor("cli (ops)"));
const footprint = async () => ({
  roles: await t.db.select().from(portalRoleAssignments).orderBy(portalRoleAssignments.identityId),
  people: (await t.db.select({ n: count() }).from(identities))[0]!.n,
  audit: (await t.db.select({ n: count() }).from(auditEvents))[0]!.n,
});
const roleEvents = (identityId: string, action: string) =>
  t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, identityId), eq(auditEvents.action, action)));

describe("portal roles on a new instance (issue 15)", () => {
  beforeAll(async () => {
    t = await createTestDatabase("empty");
  });
  afterAll(() => t.close());

  it("has no IT admin until one is made; a person not yet in Clearance is created when asked", async () => {
    expect(await activeItAdmins(t.db)).toBe(0);
    process.env.CLEARANCE_ADMINS = "alice@corp.example, bob@corp.example";
    expect(await setupState({ ctx: { db: t.db } })).toEqual({ needsFirstAdmin: true, namedAdmins: 2 });
    delete process.env.CLEARANCE_ADMINS;
    const before = await footprint();
    await expect(
      grantPortalRole({
        ctx: shell(),
        input: { email: "alice@corp.example", role: "it_admin", reason: "first admin" },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", field: "email" });
    expect(await footprint()).toEqual(before);

    const made = await grantPortalRole({
      ctx: shell(),
      input: { email: "Alice@Corp.example", role: "it_admin", reason: "first admin", createWithName: "Alice Martin" },
    });
    expect(made).toMatchObject({ created: true, granted: true, displayName: "Alice Martin" });
    expect(await activeItAdmins(t.db)).toBe(1);
    expect(await setupState({ ctx: { db: t.db } })).toEqual({ needsFirstAdmin: false, namedAdmins: 0 });
    const [alice] = await t.db.select().from(identities).where(eq(identities.id, made.identityId));
    expect(alice).toMatchObject({ email: "alice@corp.example", employmentStatus: "Active" });
    const [granted] = await roleEvents(made.identityId, "portal_role.granted");
    expect(granted).toMatchObject({
      actorLabel: "system:cli (ops)",
      reason: "first admin",
      after: { role: "it_admin" },
    });
    expect(await roleEvents(made.identityId, "identity.hired")).toHaveLength(1);
  });

  it("refuses a grant without a reason, naming the field, and changes nothing", async () => {
    const before = await footprint();
    await expect(
      grantPortalRole({ ctx: shell(), input: { email: "alice@corp.example", role: "auditor", reason: "  " } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "reason" });
    expect(await footprint()).toEqual(before);
  });

  it("never takes IT admin from the last Active IT admin; with a second one it may, audited", async () => {
    const before = await footprint();
    await expect(
      revokePortalRole({ ctx: shell(), input: { email: "alice@corp.example", role: "it_admin", reason: "leaving" } }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/last IT admin/) });
    expect(await footprint()).toEqual(before);

    await grantPortalRole({
      ctx: shell(),
      input: { email: "bob@corp.example", role: "it_admin", reason: "second admin", createWithName: null },
    });
    const taken = await revokePortalRole({
      ctx: shell(),
      input: { email: "alice@corp.example", role: "it_admin", reason: "moved to finance" },
    });
    expect(taken.revoked).toBe(true);
    expect(await activeItAdmins(t.db)).toBe(1);
    const [revoked] = await roleEvents(taken.identityId, "portal_role.revoked");
    expect(revoked).toMatchObject({ reason: "moved to finance", before: { role: "it_admin" } });
  });

  it("granting a role held already, or taking one not held, changes nothing and records nothing", async () => {
    const before = await footprint();
    expect(
      (await grantPortalRole({ ctx: shell(), input: { email: "bob@corp.example", role: "it_admin", reason: "again" } }))
        .granted,
    ).toBe(false);
    expect(
      (
        await revokePortalRole({
          ctx: shell(),
          input: { email: "alice@corp.example", role: "auditor", reason: "never had it" },
        })
      ).revoked,
    ).toBe(false);
    expect(await footprint()).toEqual(before);
  });
});

describe("CLEARANCE_ADMINS at sign-in", () => {
  const signIn = (email: string, extra: { emailVerified?: boolean; name?: string } = {}) =>
    authorizeSignIn({
      ctx: { db: t.db, clock: fixedClock(), request: { ip: "203.0.113.9", userAgent: "vitest" } },
      input: { email, provider: "oidc", ...extra },
    });
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());
  afterEach(() => {
    delete process.env.CLEARANCE_ADMINS;
  });

  it("makes a named person IT admin as they sign in, created if HR does not have them yet", async () => {
    process.env.CLEARANCE_ADMINS = "dana@corp.example, priya.raman@company.com";
    await expect(signIn("eve@corp.example")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const dana = await signIn("Dana@corp.example", { name: "Dana Whitfield" });
    expect(dana).toMatchObject({ email: "dana@corp.example", displayName: "Dana Whitfield" });
    const roles = await t.db.select().from(portalRoleAssignments).where(eq(portalRoleAssignments.identityId, dana.id));
    expect(roles.map((r) => r.role)).toEqual(["it_admin"]);
    expect(await roleEvents(dana.id, "portal_role.granted")).toMatchObject([
      { actorLabel: "system:CLEARANCE_ADMINS", reason: "named in CLEARANCE_ADMINS" },
    ]);
    // The next sign-in changes nothing.
    await signIn("dana@corp.example");
    expect(await roleEvents(dana.id, "portal_role.granted")).toHaveLength(1);
  });

  it("gives nothing to an unverified email or to someone who is not Active", async () => {
    process.env.CLEARANCE_ADMINS = "frank@corp.example,tom.becker@company.com";
    await expect(signIn("frank@corp.example", { emailVerified: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.db.select().from(identities).where(eq(identities.email, "frank@corp.example"))).toEqual([]);
    await expect(signIn("tom.becker@company.com")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const tom = await identityIdByEmail(t.db, "tom.becker@company.com");
    expect(await t.db.select().from(portalRoleAssignments).where(eq(portalRoleAssignments.identityId, tom))).toEqual(
      [],
    );
  });
});
