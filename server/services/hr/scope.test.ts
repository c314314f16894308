import { TRPCError } from "@trpc/server";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { handleHrEvent } from "@/server/api/hr";
import { createCaller } from "@/server/api/root";
import { systemActor } from "@/server/core/actor";
import { isDomainError } from "@/server/core/errors";
import { auditEvents, hrEvents, hrSources, identities, identityAttributeChanges } from "@/server/db/schema";
import { actorFor } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { applyDueHrEvents, createHrSource, listHrSources } from "./events";
import { handOverIdentity, handOverPeople, previewHandover } from "./handover";

/**
 * Issue 12, point 3: an HR source's events reach only the people it manages; IT hands people
 * from one source to another. Workday (A) and BambooHR (B) each hire one person; the seeded
 * directory is managed by neither.
 */
let t: TestDatabase;
const clock = movableClock("2026-06-01T08:00:00Z");
const tokens = { workday: "", bamboo: "" };
let eventNumber = 0;

async function post(source: keyof typeof tokens, body: Record<string, unknown>) {
  const headers = {
    "content-type": "application/json",
    authorization: `Bearer ${tokens[source]}`,
    "idempotency-key": `${source}-${++eventNumber}`,
  };
  const res = await handleHrEvent(
    new Request("http://clearance.test/api/hr/events", { method: "POST", headers, body: JSON.stringify(body) }),
    t.db,
    clock,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const hire = (userId: string, extra: Record<string, unknown> = {}) => ({
  event: "employee.hired",
  user_id: userId,
  start_date: "2026-06-01",
  job_title: "Paralegal",
  department: "Legal",
  ...extra,
});
const promote = (userId: string, effective = "2026-06-01") => ({
  event: "employee.updated",
  user_id: userId,
  changes: { job_title: { new: "Chief Everything" }, effective_date: effective },
});
const terminate = (userId: string) => ({
  event: "employee.terminated",
  user_id: userId,
  termination_date: "2026-06-01",
});

const person = async (externalId: string) =>
  (await t.db.select().from(identities).where(eq(identities.externalId, externalId)))[0]!;
const historyOf = async (id: string) =>
  (
    await t.db.select({ n: count() }).from(identityAttributeChanges).where(eq(identityAttributeChanges.identityId, id))
  )[0]!.n;
const auditCount = async () => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;
const itAdmin = () => as(t.db, "priya.raman@company.com", clock);
const itCaller = async () =>
  createCaller({
    db: t.db,
    clock,
    actor: await actorFor(t.db, "priya.raman@company.com"),
    request: { ip: null, userAgent: null },
  });
/** The input field a refused call names: zod's path, or the DomainError's field. */
const fieldOf = (err: unknown) => {
  const cause = err instanceof TRPCError ? err.cause : err;
  return cause instanceof ZodError
    ? cause.issues[0]!.path.join(".")
    : isDomainError(cause)
      ? cause.field
      : `not a refusal: ${String(err)}`;
};

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await itAdmin();
  tokens.workday = (await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } })).token;
  tokens.bamboo = (await createHrSource({ ctx: it_, input: { key: "bamboo", name: "BambooHR" } })).token;
  expect((await post("workday", hire("alice.a"))).status).toBe(200);
  expect((await post("bamboo", hire("bob.b"))).status).toBe(200);
});
afterAll(() => t.close());

describe("an HR source's events reach only its people", () => {
  it("a hire makes the person the hiring source's; the seeded directory is no source's", async () => {
    expect(await person("alice.a")).toMatchObject({ managedBy: "workday", employmentStatus: "Active" });
    expect(await person("bob.b")).toMatchObject({ managedBy: "bamboo" });
    expect(await person("sarah.chen")).toMatchObject({ managedBy: null });
  });

  it("B's employee.updated and employee.terminated for A's person (or an unmanaged one) are refused exactly as for someone unknown, and change nothing", async () => {
    const alice = await person("alice.a");
    const sarah = await person("sarah.chen");
    const history = { alice: await historyOf(alice.id), sarah: await historyOf(sarah.id) };
    for (const event of [promote, terminate]) {
      const unknown = await post("bamboo", event("nobody.here"));
      expect(unknown).toMatchObject({
        status: 422,
        body: { status: "failed", error: "No identity managed by this source has user_id nobody.here" },
      });
      for (const userId of ["alice.a", "sarah.chen"]) {
        const refused = await post("bamboo", event(userId));
        expect(refused.status).toBe(unknown.status);
        expect({ ...refused.body, eventId: "id" }).toEqual({
          ...unknown.body,
          eventId: "id",
          error: `No identity managed by this source has user_id ${userId}`,
        });
      }
    }
    expect(await person("alice.a")).toEqual(alice);
    expect(await person("sarah.chen")).toEqual(sarah);
    expect({ alice: await historyOf(alice.id), sarah: await historyOf(sarah.id) }).toEqual(history);
  });

  it("B's employee.hired of someone who exists takes nobody over (user_id and email are unique); a hire of someone new still works", async () => {
    const alice = await person("alice.a");
    expect(await post("bamboo", hire("alice.a", { job_title: "CEO" }))).toMatchObject({
      status: 422,
      body: { status: "failed", error: "Another identity already has the user_id alice.a" },
    });
    expect(await post("bamboo", hire("sarah.chen"))).toMatchObject({
      status: 422,
      body: { error: "Another identity already has the user_id sarah.chen" },
    });
    expect(await post("bamboo", hire("alice.again", { email: "alice.a@company.com" }))).toMatchObject({
      status: 422,
      body: { error: "Another identity already has the email alice.a@company.com" },
    });
    expect(await person("alice.a")).toEqual(alice);
    expect(await person("sarah.chen")).toMatchObject({ managedBy: null });

    expect(await post("bamboo", hire("carol.b", { display_name: "Carol B" }))).toMatchObject({
      status: 200,
      body: { status: "applied" },
    });
    expect(await person("carol.b")).toMatchObject({ managedBy: "bamboo", displayName: "Carol B" });
    // A's own re-hire of its person applies as a change, as before.
    expect(await post("workday", hire("alice.a", { job_title: "Senior Paralegal" }))).toMatchObject({
      status: 200,
      body: { status: "applied" },
    });
    expect(await person("alice.a")).toMatchObject({ jobTitle: "Senior Paralegal", managedBy: "workday" });
  });

  it("two sources hiring one new person at once: one hires them, the other is told the id is taken (never a database error)", async () => {
    const replies = await Promise.all([post("workday", hire("eve.race")), post("bamboo", hire("eve.race"))]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 422]);
    const lost = replies.find((r) => r.status === 422)!;
    // Which check the loser meets depends on when the winner commits: before its user_id check,
    // between that and its email check, or after both (the unique index).
    expect(lost.body.error).toMatch(
      /^Another identity already has (the user_id eve\.race|the email eve\.race@company\.com|this user_id or email)$/,
    );
    const winner = replies[0]!.status === 200 ? "workday" : "bamboo";
    expect(await person("eve.race")).toMatchObject({ managedBy: winner });
  });

  it("IT hands Alice from A to B (audited with the reason): A's future-dated change, due after the handover, is refused on its day; B's applies", async () => {
    expect(await post("workday", promote("alice.a", "2026-07-01"))).toMatchObject({
      status: 202,
      body: { status: "waiting" },
    });
    const alice = await person("alice.a");
    await handOverIdentity({
      ctx: await itAdmin(),
      input: { identityId: alice.id, toSource: "bamboo", reason: "Legal moved to BambooHR" },
    });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.source_changed"), eq(auditEvents.subjectId, alice.id)));
    expect(event).toMatchObject({
      actorLabel: "priya.raman@company.com",
      before: { managedBy: "workday" },
      after: { managedBy: "bamboo" },
      reason: "Legal moved to BambooHR",
      context: { handover: "one" },
    });

    clock.set("2026-07-01T00:00:00Z");
    expect(await applyDueHrEvents({ ctx: { db: t.db, actor: systemActor("hr-events"), clock } })).toBe(0);
    const [late] = await t.db
      .select()
      .from(hrEvents)
      .where(
        and(
          eq(hrEvents.sourceKey, "workday"),
          eq(hrEvents.externalId, "alice.a"),
          eq(hrEvents.type, "employee.updated"),
        ),
      );
    expect(late).toMatchObject({ status: "failed", error: "No identity managed by this source has user_id alice.a" });
    expect((await person("alice.a")).jobTitle).toBe("Senior Paralegal");

    expect(await post("workday", terminate("alice.a"))).toMatchObject({ status: 422, body: { status: "failed" } });
    expect(await post("bamboo", promote("alice.a", "2026-07-01"))).toMatchObject({
      status: 200,
      body: { status: "applied" },
    });
    expect(await person("alice.a")).toMatchObject({
      jobTitle: "Chief Everything",
      employmentStatus: "Active",
      managedBy: "bamboo",
    });
  });

  it("an event waiting for its day fails on that day if its source's token was revoked meanwhile", async () => {
    const it_ = await itAdmin();
    const token = (await createHrSource({ ctx: it_, input: { key: "old-hris", name: "Old HRIS" } })).token;
    const send = async (body: Record<string, unknown>) => {
      const headers = {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        "idempotency-key": `old-${++eventNumber}`,
      };
      return (
        await handleHrEvent(
          new Request("http://clearance.test/api/hr/events", { method: "POST", headers, body: JSON.stringify(body) }),
          t.db,
          clock,
        )
      ).status;
    };
    expect(await send(hire("dora.old"))).toBe(200);
    expect(await send(promote("dora.old", "2026-08-01"))).toBe(202);
    await t.db.update(hrSources).set({ revokedAt: clock() }).where(eq(hrSources.key, "old-hris"));
    clock.set("2026-08-01T00:00:00Z");
    expect(await applyDueHrEvents({ ctx: { db: t.db, actor: systemActor("hr-events"), clock } })).toBe(0);
    const [late] = await t.db
      .select()
      .from(hrEvents)
      .where(and(eq(hrEvents.sourceKey, "old-hris"), eq(hrEvents.type, "employee.updated")));
    expect(late).toMatchObject({
      status: "failed",
      error: "The HR source's token was revoked before this event applied",
    });
    expect((await person("dora.old")).jobTitle).toBe("Paralegal");
  });
});

describe("IT gives a source people in bulk", () => {
  it("previews the people a selection holds; hands over exactly those, one audit event each with the reason; refuses when the selection changed since the preview", async () => {
    const ctx = await itAdmin();
    const selection = { toSource: "workday", fromSource: null, department: "Finance" };
    const preview = await previewHandover({ ctx, input: selection });
    const [{ n: finance }] = (await t.db
      .select({ n: count() })
      .from(identities)
      .where(and(eq(identities.department, "Finance"), sql`${identities.managedBy} is null`))) as [{ n: number }];
    expect(finance).toBeGreaterThan(3);
    expect(preview.count).toBe(finance);
    expect(preview.sample.length).toBe(Math.min(10, finance));

    const audits = await auditCount();
    await expect(
      handOverPeople({ ctx, input: { ...selection, reason: "Workday holds Finance", expectedCount: finance + 1 } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "expectedCount" });
    expect(await auditCount()).toBe(audits);
    expect((await previewHandover({ ctx, input: selection })).count).toBe(finance);

    expect(
      await handOverPeople({ ctx, input: { ...selection, reason: "Workday holds Finance", expectedCount: finance } }),
    ).toEqual({ handedOver: finance, toSource: "workday" });
    const moved = await t.db
      .select({ id: identities.id })
      .from(identities)
      .where(and(eq(identities.department, "Finance"), eq(identities.managedBy, "workday")));
    expect(moved).toHaveLength(finance);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "identity.source_changed"))
      .orderBy(auditEvents.id);
    const bulk = events.filter((e) => (e.context as { handover?: string }).handover === "bulk");
    expect(bulk.map((e) => e.subjectId).sort()).toEqual(moved.map((m) => m.id).sort());
    expect(
      bulk.every(
        (e) =>
          e.reason === "Workday holds Finance" &&
          (e.before as { managedBy: unknown }).managedBy === null &&
          (e.after as { managedBy: unknown }).managedBy === "workday",
      ),
    ).toBe(true);
    expect((await previewHandover({ ctx, input: selection })).count).toBe(0);
    expect(await auditCount()).toBe(audits + finance);

    // Workday now reaches them; BambooHR still does not.
    const cfo = (await t.db.select().from(identities).where(eq(identities.email, "cfo@company.com")))[0]!;
    expect(cfo.managedBy).toBe("workday");
    expect(await post("bamboo", promote(cfo.externalId, "2026-07-01"))).toMatchObject({ status: 422 });
    expect(
      await post("workday", {
        event: "employee.updated",
        user_id: cfo.externalId,
        changes: { team: { new: "Finance Leadership" } },
      }),
    ).toMatchObject({ status: 200, body: { status: "applied" } });
  });

  it("the HR sources list says how many people each source manages, and how many no source does", async () => {
    const { sources, unmanaged } = await listHrSources({ ctx: await itAdmin() });
    const counts = await t.db
      .select({ key: identities.managedBy, n: count() })
      .from(identities)
      .groupBy(identities.managedBy);
    const of = (key: string | null) => counts.find((c) => c.key === key)?.n ?? 0;
    expect(sources.map((s) => [s.key, s.people])).toEqual([
      ["bamboo", of("bamboo")],
      ["old-hris", 1],
      ["workday", of("workday")],
    ]);
    // bob, carol, alice, and eve if BambooHR won the race to hire her
    expect(of("bamboo")).toBe(3 + ((await person("eve.race")).managedBy === "bamboo" ? 1 : 0));
    expect(unmanaged).toBe(of(null));
    expect(unmanaged).toBeGreaterThan(100);
  });

  it("the handover mutations refuse bad input naming the field, and change nothing", async () => {
    const caller = await itCaller();
    const sarah = await person("sarah.chen");
    await t.db.insert(hrSources).values({
      key: "legacy",
      name: "Legacy HRIS",
      tokenHash: "0".repeat(64),
      createdAt: clock(),
      createdBy: "test",
      revokedAt: clock(),
    });
    const audits = await auditCount();
    const refusals: [() => Promise<unknown>, string][] = [
      [() => caller.identities.handOver({ identityId: sarah.id, toSource: "workday", reason: "   " }), "reason"],
      [
        () => caller.identities.handOver({ identityId: sarah.id, toSource: "workday", reason: "x".repeat(501) }),
        "reason",
      ],
      [() => caller.identities.handOver({ identityId: "sarah", toSource: "workday", reason: "move" }), "identityId"],
      [
        () =>
          caller.identities.handOver({
            identityId: "00000000-0000-4000-8000-000000000000",
            toSource: "workday",
            reason: "move",
          }),
        "identityId",
      ],
      [
        () => caller.identities.handOver({ identityId: sarah.id, toSource: "no-such-source", reason: "move" }),
        "toSource",
      ],
      [() => caller.identities.handOver({ identityId: sarah.id, toSource: "legacy", reason: "move" }), "toSource"],
      [
        () => caller.identities.handOver({ identityId: sarah.id, toSource: null, reason: "already nobody's" }),
        "toSource",
      ],
      [
        () =>
          caller.hr.handOverPeople({ toSource: "workday", fromSource: "workday", reason: "move", expectedCount: 1 }),
        "fromSource",
      ],
      [
        () =>
          caller.hr.handOverPeople({
            toSource: "workday",
            fromSource: "no-such-source",
            reason: "move",
            expectedCount: 1,
          }),
        "fromSource",
      ],
      [
        () =>
          caller.hr.handOverPeople({
            toSource: "workday",
            fromSource: null,
            department: "No Such Department",
            reason: "move",
            expectedCount: 1,
          }),
        "fromSource",
      ],
      [
        () => caller.hr.handOverPeople({ toSource: "workday", fromSource: null, reason: "move", expectedCount: 0 }),
        "expectedCount",
      ],
      [
        () => caller.hr.handOverPeople({ toSource: "workday", fromSource: null, reason: "", expectedCount: 5 }),
        "reason",
      ],
    ];
    for (const [call, field] of refusals) expect(await call().then(() => "accepted", fieldOf)).toBe(field);
    expect(await auditCount()).toBe(audits);
    expect(await person("sarah.chen")).toEqual(sarah);
  });
});
