import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFor, fixedClock, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import type { ServiceContext } from "./context";
import { listAuditEvents } from "./audit-log";
import { changeIdentityAttributes } from "./identities";
import { authorizeSignIn } from "./sign-in";

describe("reading the audit log", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  const page = { page: 1, pageSize: 50 };
  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    await authorizeSignIn({
      ctx: { db: t.db, clock: fixedClock() },
      input: { email: "tom.becker@company.com", provider: "oidc" },
    }).catch(() => {});
    const sarah = await identityIdByEmail(t.db, personaEmails.employee);
    await changeIdentityAttributes({
      ctx,
      input: { identityId: sarah, attributes: { team: "Strategic" }, source: "admin", reason: "Reorg" },
    });
  });
  afterAll(() => t.close());

  it("finds a refused sign-in by the email that was tried", async () => {
    const found = await listAuditEvents({ ctx, input: { ...page, search: "tom.becker" } });
    expect(found.rows.map((r) => r.action)).toEqual(["auth.sign_in_refused"]);
  });

  it("names the person an event is about, finds events by that name, and filters to one subject", async () => {
    const sarah = await identityIdByEmail(t.db, personaEmails.employee);
    const byName = await listAuditEvents({ ctx, input: { ...page, search: "Sarah Chen" } });
    expect(byName.rows[0]).toMatchObject({
      action: "identity.attributes_changed",
      subjectName: "Sarah Chen",
      reason: "Reorg",
    });
    const bySubject = await listAuditEvents({ ctx, input: { ...page, subjectId: sarah } });
    expect(bySubject.total).toBe(1);
    expect(bySubject.rows[0]!.subjectId).toBe(sarah);
  });

  it("lists newest first with the actions there are to filter by", async () => {
    const all = await listAuditEvents({ ctx, input: page });
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((a, b) => b - a));
    expect(all.actions).toEqual(["auth.sign_in_refused", "identity.attributes_changed", "organization.seeded"]);
    expect(all.rows[0]).not.toHaveProperty("prevHash");
  });
});
