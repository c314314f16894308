import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/server/db/schema";
import { fixedClock, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { authorizeSignIn, listSignInCandidates } from "./sign-in";

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
    ["nobody@company.com", "no identity has the email nobody@company.com"],
    ["tom.becker@company.com", "employment status is Terminated, not Active"],
    ["janet.price@company.com", "employment status is Leave, not Active"],
  ])("refuses %s and records why", async (email, reason) => {
    await expect(authorizeSignIn({ ctx: ctx(), input: { email, provider: "oidc" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in_refused"), eq(auditEvents.reason, reason)));
    expect(events).toHaveLength(1);
    expect(events[0]!.context).toMatchObject({ email, provider: "oidc", ip: "203.0.113.9" });
  });

  it("refuses an email the identity provider marked unverified, even for an Active identity", async () => {
    await expect(
      authorizeSignIn({ ctx: ctx(), input: { email: personaEmails.it_admin, emailVerified: false, provider: "oidc" } }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Sign-in refused: the identity provider has not verified this email",
    });
    await expect(
      authorizeSignIn({ ctx: ctx(), input: { email: personaEmails.it_admin, emailVerified: null, provider: "oidc" } }),
    ).resolves.toBeTruthy();
  });

  it("offers the seeds' personas first on the development sign-in page, and finds anyone by search", async () => {
    process.env.CLEARANCE_DEV_LOGIN = "1";
    const featured = await listSignInCandidates({ ctx: ctx(), input: {} });
    expect(featured[0]!.email).toBe("ceo@company.com");
    expect(featured.map((p) => p.email)).toContain(personaEmails.employee);
    expect(featured.find((p) => p.email === personaEmails.it_admin)!.roles).toEqual(["it_admin"]);
    const searched = await listSignInCandidates({ ctx: ctx(), input: { search: "Internal Auditor" } });
    expect(searched.map((p) => p.email)).toEqual(["auditor@company.com"]);
    delete process.env.CLEARANCE_DEV_LOGIN;
    await expect(listSignInCandidates({ ctx: ctx(), input: {} })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
