import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, identities } from "@/server/db/schema";
import { fixedClock, identityIdByEmail, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { authorizeSignIn, listSignInCandidates, loadActor } from "./sign-in";
import { systemActor } from "@/server/core/actor";

describe("who may sign in", () => {
  let t: TestDatabase;
  const ctx = () => ({ db: t.db, clock: fixedClock(), request: { ip: "203.0.113.9", userAgent: "vitest" } });
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it("lets an Active identity in, matching the email case-insensitively", async () => {
    const ok = await authorizeSignIn({ ctx: ctx(), input: { email: "Sarah.Chen@Company.com", provider: "oidc" } });
    expect(ok.email).toBe("sarah.chen@company.com");
  });

  it.each([
    ["nobody@company.com", "no identity has this email"],
    ["tom.becker@company.com", "employment status is Terminated, not Active"],
    ["janet.price@company.com", "employment status is Leave, not Active"],
  ])("refuses %s and records why", async (email, reason) => {
    await expect(authorizeSignIn({ ctx: ctx(), input: { email, provider: "oidc" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in_refused"), eq(auditEvents.reason, reason)));
    expect(events).toHaveLength(1);
    expect(events[0]!.context).toMatchObject({ email, provider: "oidc", ip: "203.0.113.9" });
  });

  it("ends a session once the person is no longer Active or their sessions were revoked", async () => {
    const id = await identityIdByEmail(t.db, "jane.smith@company.com");
    const issued = new Date("2026-11-22T08:00:00Z");
    expect(await loadActor(t.db, id, issued)).toMatchObject({ email: "jane.smith@company.com", roles: ["employee"] });
    await t.db.update(identities).set({ sessionsValidAfter: new Date("2026-11-22T09:00:00Z") }).where(eq(identities.id, id));
    expect(await loadActor(t.db, id, issued)).toBeNull();
    expect(await loadActor(t.db, id, new Date("2026-11-22T10:00:00Z"))).not.toBeNull();
    await t.db.update(identities).set({ employmentStatus: "Terminated" }).where(eq(identities.id, id));
    expect(await loadActor(t.db, id, new Date("2026-11-22T10:00:00Z"))).toBeNull();
  });

  it("offers the seeds' personas first on the development sign-in page, and finds anyone by search", async () => {
    const service = { ...ctx(), actor: systemActor("test") };
    const featured = await listSignInCandidates({ ctx: service, input: {} });
    expect(featured[0]!.email).toBe("ceo@company.com");
    expect(featured.map((p) => p.email)).toContain(personaEmails.employee);
    expect(featured.find((p) => p.email === personaEmails.it_admin)!.roles).toEqual(["it_admin"]);
    const searched = await listSignInCandidates({ ctx: service, input: { search: "Internal Auditor" } });
    expect(searched.map((p) => p.email)).toEqual(["auditor@company.com"]);
  });
});
