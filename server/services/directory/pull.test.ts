import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlans, auditEvents, directoryPulls, identities } from "@/server/db/schema";
import { oktaConnector } from "@/server/directory/okta";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { oktaUsers, startFakeOkta, type FakeOkta } from "@/test/fakes/okta";
import { as, movableClock } from "@/test/support/requests";
import type { ServiceContext } from "../context";
import { createDirectoryPull, listDirectoryPulls, runDirectoryPull, testDirectoryPull } from "./pulls";

let t: TestDatabase;
let it_: ServiceContext;
let okta: FakeOkta;
const clock = movableClock("2026-06-01T08:00:00Z");
const env = process.env;
// The product's connector, pointed at the fake by its org URL; the token comes from the variable the settings name.
const connect = (_kind: string, settings: unknown) => oktaConnector(settings as { orgUrl: string; tokenEnv: string });
const run = () => runDirectoryPull({ ctx: it_, input: { key: "okta" }, connect });
const personByEmail = async (email: string) =>
  (await t.db.select().from(identities).where(eq(identities.email, email)))[0];

beforeAll(async () => {
  t = await createTestDatabase();
  it_ = await as(t.db, "priya.raman@company.com", clock);
  const users = oktaUsers(30, "2026-06-01T08:00:00.000Z");
  users[0]!.profile.title = "Head of Platform";
  for (const u of users.slice(1, 10)) u.profile.managerId = users[0]!.id;
  users[29]!.status = "SUSPENDED";
  // someone the demo directory already has, managed by no source: their email is taken
  users[28]!.profile.email = users[28]!.profile.login = "sarah.chen@company.com";
  // someone new whose HR id a demo person has: the batch of new people fails, and is applied one by one
  const [priya] = await t.db.select().from(identities).where(eq(identities.email, "priya.raman@company.com"));
  users[27]!.profile.employeeNumber = priya!.externalId;
  // two new users with one email: the first read keeps it, the second is a conflict
  users[9]!.profile.email = users[9]!.profile.login = "okta.user8@company.com";
  // a report read before their manager, both new: hired in the same batch, manager first
  users[20]!.profile.managerId = users[25]!.id;
  okta = await startFakeOkta({
    users,
    groups: [
      {
        id: "00g0000",
        name: "Everyone",
        type: "BUILT_IN",
        members: users.map((u) => u.id),
        lastUpdated: "2026-06-01T08:00:00.000Z",
        lastMembershipUpdated: "2026-06-01T08:00:00.000Z",
      },
      {
        id: "00g0001",
        name: "platform-oncall",
        members: [users[0]!.id, users[1]!.id],
        lastUpdated: "2026-06-01T08:00:00.000Z",
        lastMembershipUpdated: "2026-06-01T08:00:00.000Z",
      },
    ],
  });
  env.OKTA_TEST_TOKEN = okta.token;
  await createDirectoryPull({
    ctx: it_,
    input: {
      key: "okta",
      name: "Okta",
      kind: "okta",
      settings: { orgUrl: okta.url, tokenEnv: "OKTA_TEST_TOKEN" },
      intervalMinutes: 60,
    },
  });
});
afterAll(async () => {
  await okta?.close();
  await t?.close();
});

describe("pulling Okta (issue 16, point 5)", () => {
  it("refuses settings that name Clearance's own secrets, changing nothing", async () => {
    await expect(
      createDirectoryPull({
        ctx: it_,
        input: {
          key: "okta-2",
          name: "Okta 2",
          kind: "okta",
          settings: { orgUrl: okta.url, tokenEnv: "AUTH_SECRET" },
          intervalMinutes: 60,
        },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "settings.tokenEnv" });
    // the token would cross the network in the clear
    await expect(
      createDirectoryPull({
        ctx: it_,
        input: {
          key: "okta-3",
          name: "Okta 3",
          kind: "okta",
          settings: { orgUrl: "http://acme.okta.com", tokenEnv: "OKTA_TEST_TOKEN" },
          intervalMinutes: 60,
        },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "settings.orgUrl", message: /use https/ });
    expect(await listDirectoryPulls({ ctx: it_ })).toHaveLength(1);
  });

  it("a first, full pull hires the directory's people with their attributes, managers and groups", async () => {
    const outcome = await run();
    expect(outcome).toMatchObject({
      status: "ok",
      result: {
        kind: "full",
        users: {
          created: 26,
          skipped: 1,
          conflictCount: 3,
          conflicts: expect.arrayContaining([
            expect.stringMatching(/sarah\.chen/),
            expect.stringMatching(/okta\.user8@company\.com \(00u00000009\)/),
            expect.stringMatching(/okta\.user27@company\.com .*another identity already has this email or HR id/i),
          ]),
        },
        groups: { created: 1 },
      },
    });
    const head = await personByEmail("okta.user0@company.com");
    expect(head).toMatchObject({
      externalId: "OK-0",
      displayName: "Okta User 0",
      jobTitle: "Head of Platform",
      department: "Engineering",
      employmentType: "Employee",
      location: "Lisbon",
      managedBy: "okta",
      groups: ["platform-oncall"],
    });
    expect(await personByEmail("okta.user5@company.com")).toMatchObject({ managerId: head!.id, groups: [] });
    expect(await personByEmail("okta.user29@company.com")).toBeUndefined();
    expect(await personByEmail("okta.user27@company.com")).toBeUndefined();
    expect(await personByEmail("okta.user8@company.com")).toMatchObject({ externalId: "OK-8" });
    expect(await personByEmail("okta.user20@company.com")).toMatchObject({
      managerId: (await personByEmail("okta.user25@company.com"))!.id,
    });
    expect((await personByEmail("sarah.chen@company.com"))!.managedBy).toBeNull();
    const [pull] = await listDirectoryPulls({ ctx: it_ });
    expect(pull).toMatchObject({ lastStatus: "ok", running: false, lastResult: { users: { created: 26 } } });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "directory.pulled"), eq(auditEvents.subjectId, "okta")));
    expect(event!.after).toMatchObject({ users: { created: 26 } });
  });

  it("the next pull reads only what changed since (Okta's lastUpdated) and applies exactly that", async () => {
    const changed = okta.users.get("00u00000001")!;
    changed.profile = { ...changed.profile, department: "Finance" };
    changed.lastUpdated = okta.now();
    const gone = okta.users.get("00u00000002")!;
    gone.status = "DEPROVISIONED";
    gone.lastUpdated = okta.now();
    const group = okta.groups.get("00g0001")!;
    group.members = [...group.members, "00u00000003"];
    group.lastMembershipUpdated = okta.now();
    okta.calls.length = 0;
    const outcome = await run();
    // what changed since the first pull began, by Okta's clock (its Date header), minus an overlap
    expect(decodeURIComponent(okta.calls.find((c) => c.startsWith("/api/v1/users"))!)).toMatch(
      /search=lastUpdated gt "\d{4}-\d\d-\d\dT[\d:.]+Z"/,
    );
    expect(outcome).toMatchObject({
      status: "ok",
      result: { kind: "delta", users: { changed: 2, created: 0, unchanged: 0 }, groups: { changed: 1 } },
    });
    expect(await personByEmail("okta.user1@company.com")).toMatchObject({ department: "Finance" });
    expect(await personByEmail("okta.user2@company.com")).toMatchObject({ employmentStatus: "Terminated" });
    expect((await personByEmail("okta.user3@company.com"))!.groups).toEqual(["platform-oncall"]);
    // the two were changed together, each with their own plan
    const mover = await personByEmail("okta.user1@company.com");
    expect(await t.db.select().from(accessPlans).where(eq(accessPlans.identityId, mover!.id))).toContainEqual(
      expect.objectContaining({ kind: "mover", source: "pull" }),
    );

    // A batch of changes with one that cannot be written (an email someone else has) is applied
    // one by one: the rest are written, that one is a conflict and stays as it was.
    for (const [id, profile] of [
      ["00u00000004", { department: "Finance" }],
      ["00u00000005", { email: "priya.raman@company.com", login: "priya.raman@company.com" }],
    ] as const) {
      const user = okta.users.get(id)!;
      user.profile = { ...user.profile, ...profile };
      user.lastUpdated = okta.now();
    }
    expect(await run()).toMatchObject({
      status: "ok",
      result: {
        kind: "delta",
        users: {
          changed: 1,
          conflictCount: 1,
          conflicts: [expect.stringMatching(/^priya\.raman@company\.com \(00u00000005\): .*already has the email/)],
        },
      },
    });
    expect(await personByEmail("okta.user4@company.com")).toMatchObject({ department: "Finance" });
    expect(await personByEmail("okta.user5@company.com")).toMatchObject({ department: "Engineering" });

    // A manager's new email and their report's move in one delta (one batch): the report keeps
    // the manager, whom the directory names by id, and is no conflict.
    for (const [id, profile] of [
      ["00u00000000", { email: "okta.head@company.com", login: "okta.head@company.com" }],
      ["00u00000006", { department: "Finance" }],
    ] as const) {
      const user = okta.users.get(id)!;
      user.profile = { ...user.profile, ...profile };
      user.lastUpdated = okta.now();
    }
    const both = await run();
    expect(both).toMatchObject({ status: "ok", result: { kind: "delta", users: { changed: 2 } } });
    expect(both.result!.users.conflicts).not.toContainEqual(expect.stringMatching(/okta\.(head|user6)@/));
    expect(await personByEmail("okta.user6@company.com")).toMatchObject({
      department: "Finance",
      managerId: (await personByEmail("okta.head@company.com"))!.id,
    });

    expect(await run()).toMatchObject({
      status: "ok",
      result: { kind: "delta", users: { changed: 0, created: 0 }, groups: { changed: 0, created: 0 } },
    });
  });

  it("waits out Okta's 429s as X-Rate-Limit-Reset says; when they outlast the retries the run fails, to be tried again sooner", async () => {
    okta.throttle(2);
    expect(await run()).toMatchObject({ status: "ok", result: { stats: { throttled: 2 } } });

    const [before] = await t.db.select().from(directoryPulls);
    okta.throttle(50);
    const failed = await run();
    okta.throttle(0);
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/E0000047/) });
    const [after] = await t.db.select().from(directoryPulls);
    expect(after).toMatchObject({ lastStatus: "failed", cursor: before!.cursor, runningSince: null });
    expect(after!.nextRunAt).toEqual(new Date(clock().getTime() + 5 * 60_000));
  });

  it("a full read that would end many people applies nothing until IT confirms", async () => {
    // 16 deleted from Okta, and the one deprovisioned earlier, whom a full read no longer lists
    for (const id of [...okta.users.keys()].slice(10, 26)) okta.users.delete(id);
    await t.db.update(directoryPulls).set({ cursor: null });
    const refused = await run();
    expect(refused).toMatchObject({ status: "failed", error: expect.stringMatching(/would end 17 of the 26 people/) });
    expect(await personByEmail("okta.user12@company.com")).toMatchObject({ employmentStatus: "Active" });
    const confirmed = await runDirectoryPull({ ctx: it_, input: { key: "okta", allowMassLeave: true }, connect });
    expect(confirmed).toMatchObject({ status: "ok", result: { kind: "full", users: { left: 17 } } });
    expect(await personByEmail("okta.user12@company.com")).toMatchObject({ employmentStatus: "Terminated" });
  });

  it("one run at a time, whoever asks; the connection test names what is wrong without the token", async () => {
    // another instance's run holds the pull: nobody else starts one until it ends or its lease does
    await t.db.update(directoryPulls).set({ runningSince: new Date(clock().getTime() - 14 * 60_000) });
    okta.calls.length = 0;
    expect(await run()).toEqual({ status: "busy" });
    expect(okta.calls).toEqual([]);
    await t.db.update(directoryPulls).set({ runningSince: new Date(clock().getTime() - 15 * 60_000) });
    expect(await run()).toMatchObject({ status: "ok" });
    env.OKTA_TEST_TOKEN = "wrong";
    const health = await testDirectoryPull({ ctx: it_, input: { key: "okta" } });
    env.OKTA_TEST_TOKEN = okta.token;
    expect(health).toMatchObject({ ok: false, detail: expect.stringMatching(/E0000011.*OKTA_TEST_TOKEN/) });
    expect(health.detail).not.toContain("wrong");
  });
});
