import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTypeSettings, type ExceptionType } from "@/server/core/exceptions/types";
import { accessExceptions, exceptionTypeSettings, identities } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { decideRequest } from "./requests/decide";
import { giveBackException } from "./exceptions/end";
import { myTemporaryAccess } from "./exceptions/mine";
import { myExpectedAccess, myProfile } from "./my-access";
import { expectedAccessOf } from "./policies";
import { organizationTimeZone, setMyTimeZone, setOrganizationTimeZone, viewerZones } from "./time-zones";

let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("My access (issue 14: what the page's batch returns, each in one query)", () => {
  it("the profile: HR attributes and manager from the database, name and roles from the session", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const me = await myProfile({ ctx: sarah });
    expect(me).toMatchObject({
      id: sarah.actor.identityId,
      email: "sarah.chen@company.com",
      displayName: "Sarah Chen",
      roles: sarah.actor.roles,
      manager: { displayName: "John Doe" },
    });
    expect(me.attributes).toMatchObject({ job_title: "Sales Engineer", department: "Sales", team: "Enterprise" });
    expect(me.attributes.manager).toBe(me.manager!.email);
    expect(me.sections.map((s) => s.key)).toContain("my-access");
    expect(me.sections.map((s) => s.key)).not.toContain("policies");
  });

  it("access from policy is what expectedAccessOf says, and nothing once the person is not Active", async () => {
    for (const email of ["sarah.chen@company.com", "priya.raman@company.com", "cfo@company.com"]) {
      const ctx = await as(t.db, email, clock);
      const full = await expectedAccessOf({ ctx, input: { identityId: ctx.actor.identityId } });
      const mine = await myExpectedAccess({ ctx });
      expect(mine).toEqual({ versionId: full.versionId, grants: full.grants, active: true });
      expect(mine.grants.length).toBeGreaterThan(0);
    }
    const bob = await as(t.db, "bob@company.com", clock);
    await t.db
      .update(identities)
      .set({ employmentStatus: "Terminated" })
      .where(eq(identities.id, bob.actor.identityId));
    const gone = await myExpectedAccess({ ctx: bob });
    expect(gone.active).toBe(false);
    expect(gone.grants).toEqual([]);
    await t.db.update(identities).set({ employmentStatus: "Active" }).where(eq(identities.id, bob.actor.identityId));
  });

  it("temporary access: counts by the clock, says an extension was asked for, and is gone once given back", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const r = await submit(sarah, financeReportsAsk);
    await decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } });
    const [e] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, r.id));

    const before = await myTemporaryAccess({ ctx: sarah });
    expect(before.exceptions).toHaveLength(1);
    expect(before.exceptions[0]).toMatchObject({
      id: e!.id,
      number: e!.number,
      resourceKey: e!.resourceKey,
      approverName: expect.any(String),
      expiresAt: e!.expiresAt,
      msRemaining: e!.expiresAt.getTime() - clock().getTime(),
      canExtend: true,
      extendAt: "/request/finance-reports",
      pendingExtension: null,
    });
    // Nobody else sees it as theirs.
    expect((await myTemporaryAccess({ ctx: cfo })).exceptions.map((x) => x.id)).not.toContain(e!.id);
    // IT's saved setting for the type decides; a type seed 000 never extends never is, whatever is saved.
    const type = e!.type as ExceptionType;
    await t.db.insert(exceptionTypeSettings).values({
      ...defaultTypeSettings[type],
      type,
      extensible: false,
      updatedAt: clock(),
      updatedBy: "test",
    });
    expect((await myTemporaryAccess({ ctx: sarah })).exceptions[0]).toMatchObject({ canExtend: false });
    await t.db.delete(exceptionTypeSettings).where(eq(exceptionTypeSettings.type, type));
    expect((await myTemporaryAccess({ ctx: sarah })).exceptions[0]).toMatchObject({ canExtend: true });
    await t.db.update(accessExceptions).set({ type: "privilege_escalation" }).where(eq(accessExceptions.id, e!.id));
    expect((await myTemporaryAccess({ ctx: sarah })).exceptions[0]).toMatchObject({ canExtend: false });
    await t.db.update(accessExceptions).set({ type }).where(eq(accessExceptions.id, e!.id));

    const x = await submit(sarah, {
      ...financeReportsAsk,
      extension: true,
      justification: "The analysis runs longer.",
    });
    const asked = (await myTemporaryAccess({ ctx: sarah })).exceptions[0]!;
    expect(asked).toMatchObject({ canExtend: false, pendingExtension: { id: x.id, number: x.number } });

    await giveBackException({ ctx: sarah, input: { exceptionId: e!.id } });
    expect((await myTemporaryAccess({ ctx: sarah })).exceptions).toEqual([]);
  });

  it("the viewer's zones in one query: their own choice (or null) and the organization's", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    expect(await viewerZones(t.db, sarah.actor.identityId)).toEqual({
      preferred: null,
      organization: await organizationTimeZone(t.db),
    });
    await setOrganizationTimeZone({ ctx: priya, input: { timeZone: "Europe/Paris" } });
    await setMyTimeZone({ ctx: sarah, input: { timeZone: "Asia/Tokyo" } });
    expect(await viewerZones(t.db, sarah.actor.identityId)).toEqual({
      preferred: "Asia/Tokyo",
      organization: "Europe/Paris",
    });
    expect((await viewerZones(t.db, priya.actor.identityId)).preferred).toBeNull();
    // The prerendered My access page's frame takes them from the profile its batch asks anyway.
    expect((await myProfile({ ctx: sarah })).timeZone).toEqual({
      preferred: "Asia/Tokyo",
      organization: "Europe/Paris",
    });
    expect((await myProfile({ ctx: priya })).timeZone).toEqual({ preferred: null, organization: "Europe/Paris" });
  });
});
