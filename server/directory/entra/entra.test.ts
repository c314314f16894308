import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdapterError } from "@/server/adapters/types";
import { entraId, entraUsers, startFakeGraph, trustFakeGraphCertificate } from "@/test/fakes/entra-graph";
import type { FakeGraph, FakeGraphOptions } from "@/test/fakes/entra-graph";
import type { DirectoryGroup, DirectoryRead } from "../types";
import { entraConnector, entraSettings, type EntraConnectorOptions } from "./index";

const SECRET_ENV = "ENTRA_TEST_CLIENT_SECRET";
const envOf = (vars: Record<string, string> = {}) => vars as unknown as NodeJS.ProcessEnv;
const fakes: FakeGraph[] = [];
let untrust = () => {};
beforeAll(() => void (untrust = trustFakeGraphCertificate()));
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  untrust();
});

async function fake(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const f = await startFakeGraph(options);
  fakes.push(f);
  return f;
}

/** A connector pointed at the fake: only the two URLs differ from a real tenant's settings. */
function connect(f: FakeGraph, opts: EntraConnectorOptions & { secret?: string } = {}) {
  const { tenantId, clientId, url } = f;
  const settings = entraSettings.parse({
    tenantId,
    clientId,
    clientSecretEnv: SECRET_ENV,
    authorityHost: url,
    graphBaseUrl: url,
  });
  return entraConnector(settings, { env: envOf({ [SECRET_ENV]: opts.secret ?? f.clientSecret }), ...opts });
}

const graphRequests = (f: FakeGraph) => f.requests.filter((r) => r.path.startsWith("/v1.0/"));
const byId = <T extends { remoteId: string }>(list: T[]) => new Map(list.map((x) => [x.remoteId, x]));
const sorted = (ids: string[]) => [...ids].sort();
const U = (n: number) => entraId("user", n);
const G = (n: number) => entraId("group", n);
const identity = (e: unknown) => e;

/** The AdapterError a call fails with (the test fails if it succeeds or fails otherwise). */
async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error: unknown = await promise.then(() => null, identity);
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe("full read", () => {
  let f: FakeGraph;
  let read: DirectoryRead;

  beforeAll(async () => {
    const users = entraUsers(2501);
    f = await fake({
      users,
      groups: [
        // members: users, a nested group and a device (neither of the last two counts)
        { id: G(1), displayName: "Finance", members: [U(1), U(2), G(2), entraId("device", 1)] },
        { id: G(2), displayName: "Everyone", members: users.map((u) => u.id) },
        { id: G(3), displayName: "Empty", members: [] },
      ],
      pageSize: 1000,
      membersPerEntry: 700,
    });
    // Deleted before the first read: Graph lists it as removed in the first round.
    f.state.deleteUser(U(2500));
    read = await connect(f).read(null);
  });

  it("returns every user, mapped", () => {
    expect(read.kind).toBe("full");
    expect(read.users).toHaveLength(2500);
    expect([read.removedUserIds, read.removedGroupIds]).toEqual([[], []]);
    const users = byId(read.users);
    expect(users.has(U(2500))).toBe(false);
    expect(users.get(U(15))).toEqual({
      remoteId: U(15),
      email: "user15@contoso.com",
      displayName: "User 15",
      active: true,
      managerRemoteId: U(1),
      employeeNumber: "E000015",
      attributes: {
        department: "Support",
        job_title: "Support Specialist",
        location: "Singapore",
        employment_type: "Contractor",
        hire_date: "2015-01-16",
        cost_center: "CC-106",
      },
    });
    // No mail: the UPN is the email; disabled; no department.
    expect(users.get(U(349))).toEqual({
      remoteId: U(349),
      email: "user349@contoso.onmicrosoft.com",
      displayName: "User 349",
      active: false,
      managerRemoteId: U(34),
      employeeNumber: "E000349",
      attributes: {
        department: null,
        job_title: "Analyst",
        location: "London",
        employment_type: "Employee",
        hire_date: "2015-12-16",
        cost_center: "CC-107",
      },
    });
    expect(users.get(U(0))!.managerRemoteId).toBeNull();
  });

  it("returns groups with their user members, across entries", () => {
    const groups = byId<DirectoryGroup>(read.groups);
    expect(groups.size).toBe(3);
    expect(groups.get(G(1))).toEqual({ remoteId: G(1), name: "Finance", members: { set: [U(1), U(2)] } });
    // 2,501 members in entries of 700: one group, all members; the deleted user is no member any more.
    const everyone = groups.get(G(2))!;
    expect(everyone.name).toBe("Everyone");
    expect("set" in everyone.members && everyone.members.set).toHaveLength(2500);
    expect(groups.get(G(3))).toEqual({ remoteId: G(3), name: "Empty", members: { set: [] } });
  });

  it("pages 1,000 at a time, asking for 999, and counts requests", () => {
    const deltaRequests = graphRequests(f).filter((r) => r.path.endsWith("/delta"));
    expect(deltaRequests.filter((r) => r.path === "/v1.0/users/delta")).toHaveLength(3);
    expect(deltaRequests.every((r) => r.prefer === "odata.maxpagesize=999")).toBe(true);
    expect(deltaRequests[0]!.url).toContain("$select=id,displayName,mail,userPrincipalName,accountEnabled,");
    expect(read.stats).toEqual({ requests: graphRequests(f).length, throttled: 0 });
    const cursor = JSON.parse(read.cursor!) as { users: string; groups: string };
    expect(cursor.users).toMatch(new RegExp(`^${f.url}/v1.0/users/delta\\?\\$deltatoken=`));
    expect(cursor.groups).toMatch(new RegExp(`^${f.url}/v1.0/groups/delta\\?\\$deltatoken=`));
  });
});

describe("delta read", () => {
  let f: FakeGraph;
  let first: DirectoryRead;

  beforeAll(async () => {
    f = await fake({
      users: entraUsers(40),
      groups: [
        { id: G(1), displayName: "Finance", members: [U(1), U(2)] },
        { id: G(2), displayName: "Sales", members: [U(3), U(4)] },
        { id: G(3), displayName: "Old", members: [U(5)] },
        { id: G(4), displayName: "Legal", members: [U(6)] },
        { id: G(5), displayName: "Everyone", members: entraUsers(40).map((u) => u.id) },
      ],
      pageSize: 7,
      membersPerEntry: 5,
    });
    first = await connect(f).read(null);
    // 40 members in entries of 5, on pages of 7 entries: one group.
    const everyone = first.groups.find((g) => g.remoteId === G(5))!.members;
    expect("set" in everyone && sorted(everyone.set)).toEqual(sorted(entraUsers(40).map((u) => u.id)));
  });

  it("returns exactly what changed, with only the changed properties", async () => {
    const s = f.state;
    const upn = "New.Person@Contoso.onmicrosoft.com";
    s.addUser({ id: U(100), userPrincipalName: upn, displayName: "New Person", department: "Sales" });
    s.updateUser(U(10), { department: "Finance" }); // was Legal
    s.updateUser(U(11), { accountEnabled: false });
    s.updateUser(U(12), { managerId: U(3) });
    s.updateUser(U(13), { managerId: null, jobTitle: null });
    s.deleteUser(U(20));
    s.deleteUser(U(21), { permanent: true });
    s.addMembers(G(1), [U(7), entraId("device", 9)]);
    s.removeMembers(G(2), [U(3)]);
    s.deleteGroup(G(3));
    s.renameGroup(G(4), "Legal & Compliance");
    const before = f.requests.length;

    const read = await connect(f).read(first.cursor);

    expect(read.kind).toBe("delta");
    const users = byId(read.users);
    expect(sorted([...users.keys()])).toEqual(sorted([U(100), U(10), U(11), U(12), U(13)]));
    // New: everything Graph has on it (properties never set are not sent, so not said).
    expect(users.get(U(100))).toEqual({
      remoteId: U(100),
      email: "new.person@contoso.onmicrosoft.com",
      displayName: "New Person",
      active: true,
      attributes: { department: "Sales" },
    });
    // Updated: only what changed; name, email and status looked up.
    expect(users.get(U(10))).toEqual({
      remoteId: U(10),
      email: "user10@contoso.com",
      displayName: "User 10",
      active: true,
      attributes: { department: "Finance" },
    });
    expect([users.get(U(11))!.active, users.get(U(11))!.attributes]).toEqual([false, {}]);
    expect([users.get(U(12))!.managerRemoteId, users.get(U(12))!.attributes]).toEqual([U(3), {}]);
    expect(users.get(U(13))).toMatchObject({ managerRemoteId: null, attributes: { job_title: null } });
    expect(Object.keys(users.get(U(13))!.attributes)).toEqual(["job_title"]);
    expect(sorted(read.removedUserIds)).toEqual(sorted([U(20), U(21)]));

    expect(sorted(read.groups.map((g) => g.remoteId))).toEqual(sorted([G(1), G(2), G(4)]));
    const groups = byId<DirectoryGroup>(read.groups);
    expect(groups.get(G(1))).toEqual({ remoteId: G(1), members: { add: [U(7)], remove: [] } });
    expect(groups.get(G(2))).toEqual({ remoteId: G(2), members: { add: [], remove: [U(3)] } });
    expect(groups.get(G(4))).toEqual({ remoteId: G(4), name: "Legal & Compliance", members: { add: [], remove: [] } });
    expect(read.removedGroupIds).toEqual([G(3)]);

    // Delta links asked for minimal answers; the lookup fetched name, email and status for the updated users.
    const made = f.requests.slice(before).filter((r) => r.path.startsWith("/v1.0/"));
    expect(made.filter((r) => r.path.endsWith("/delta")).every((r) => r.prefer?.includes("return=minimal"))).toBe(true);
    const lookups = made.filter((r) => r.path === "/v1.0/users");
    expect(lookups).toHaveLength(1);
    expect(decodeURIComponent(lookups[0]!.url)).toContain("$filter=id in (");
    expect(read.stats).toEqual({ requests: made.length, throttled: 0 });

    // Nothing changed since: nothing to say.
    const again = await connect(f).read(read.cursor);
    expect(again).toMatchObject({ kind: "delta", users: [], removedUserIds: [], groups: [], removedGroupIds: [] });
    expect(again.cursor).not.toBeNull();
  });

  it("reads everything again when the delta token is no longer known", async () => {
    const latest = await connect(f).read(null);
    f.state.updateUser(U(30), { department: "Finance" });
    f.expireDeltaTokens();
    const read = await connect(f).read(latest.cursor);
    expect(read.kind).toBe("full");
    expect(read.users).toHaveLength(f.state.users.size);
    expect(byId(read.users).get(U(30))!.attributes.department).toBe("Finance");
    expect(read.groups.map((g) => g.remoteId).sort()).toEqual(sorted([...f.state.groups.keys()]));

    // And when Graph says 410 Gone (resync required).
    f.requireResync();
    const reset = await connect(f).read(read.cursor);
    expect(reset.kind).toBe("full");
    expect(reset.users).toHaveLength(f.state.users.size);

    // A cursor that is not ours (another Graph base URL) is not followed.
    const foreign = { users: "https://graph.example/v1.0/users/delta", groups: "https://graph.example/v1.0/x" };
    expect((await connect(f).read(JSON.stringify(foreign))).kind).toBe("full");
  });
});

describe("throttling and failures", () => {
  let f: FakeGraph;

  beforeAll(async () => {
    f = await fake({
      users: entraUsers(30),
      groups: [{ id: G(1), displayName: "All", members: [U(1)] }],
      pageSize: 20,
    });
  });
  afterEach(() => f.resetFaults());

  it("waits out 429s as Retry-After says and counts them", async () => {
    const c = connect(f);
    const plain = await c.read(null);
    f.throttleNext(2, { retryAfterSeconds: 1 });
    const started = performance.now();
    const read = await c.read(null);
    const elapsed = performance.now() - started;
    expect(read.users).toHaveLength(30);
    expect(read.stats).toEqual({ requests: plain.stats.requests + 2, throttled: 2 });
    expect(elapsed).toBeGreaterThanOrEqual(2 * 1000 - 50);
  });

  it("gives up on a persistent 429, and at once when asked to wait over two minutes", async () => {
    f.throttleNext(1000, { retryAfterSeconds: 1 });
    const error = await rejection(connect(f).read(null));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/429.*TooManyRequests/);

    f.throttleNext(1, { retryAfterSeconds: 600 });
    const before = graphRequests(f).length;
    expect((await rejection(connect(f).read(null))).retryable).toBe(true);
    expect(graphRequests(f).length - before).toBe(1);
  });

  it("waits out a 503 with Retry-After", async () => {
    f.throttleNext(1, { retryAfterSeconds: 1, status: 503 });
    const read = await connect(f).read(null);
    expect(read.users).toHaveLength(30);
    expect(read.stats.throttled).toBe(0);
  });

  it("reports other 5xx as retryable and 4xx as not", async () => {
    f.failNext(1, 500);
    const server = await rejection(connect(f).read(null));
    expect(server.retryable).toBe(true);
    expect(server.message).toContain("500 generalException");
    f.failNext(1, 400);
    expect((await rejection(connect(f).read(null))).retryable).toBe(false);

    f.deny("/v1.0/groups");
    const denied = await rejection(connect(f).read(null));
    expect(denied.retryable).toBe(false);
    expect(denied.message).toContain("Authorization_RequestDenied: Insufficient privileges to complete the operation.");
    expect(denied.message).toContain("GroupMember.Read.All");
  });

  it("health names the permission Graph refuses", async () => {
    expect(await connect(f).health()).toMatchObject({ ok: true });
    f.deny("/v1.0/groups");
    const groups = await connect(f).health();
    expect(groups.ok).toBe(false);
    expect(groups.detail).toMatch(/GroupMember\.Read\.All \(or Group\.Read\.All\)/);
    expect(groups.detail).not.toContain("User.Read.All");
    f.allow("/v1.0/groups");
    f.deny("/v1.0/users");
    const users = await connect(f).health();
    expect(users.ok).toBe(false);
    expect(users.detail).toContain("User.Read.All");
    expect(users.detail).not.toContain("GroupMember.Read.All");
  });

  it("reports a network timeout as retryable", async () => {
    const slow = await fake({ users: entraUsers(3) });
    slow.hang("/v1.0/users/delta");
    const error = await rejection(connect(slow, { timeoutMs: 300 }).read(null));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("no answer");
  });

  it("reports an unreachable Graph as retryable", async () => {
    const gone = await fake({ users: entraUsers(3) });
    const c = connect(gone);
    await c.health(); // a token, cached
    await gone.close();
    const error = await rejection(c.read(null));
    expect(error.retryable).toBe(true);
  });
});

describe("credentials and settings", () => {
  let f: FakeGraph;

  beforeAll(async () => void (f = await fake({ users: entraUsers(3) })));

  it("says the secret in the named variable is not accepted, without the secret", async () => {
    const secret = "Wr0ng~Secret~Value~1234567890";
    const c = connect(f, { secret });
    const health = await c.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain(`the client secret in ${SECRET_ENV} is not accepted`);
    expect(health.detail).not.toContain(secret);
    const error = await rejection(c.read(null));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`the client secret in ${SECRET_ENV} is not accepted`);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(f.clientSecret);
  });

  it("names a missing variable", async () => {
    const { tenantId, clientId } = f;
    const settings = entraSettings.parse({ tenantId, clientId, clientSecretEnv: "ENTRA_NOT_SET" });
    const c = entraConnector(settings, { env: envOf() });
    const health = await c.health();
    expect(health).toEqual({ ok: false, detail: expect.stringContaining("ENTRA_NOT_SET is not set") });
    const error = await rejection(c.read(null));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("ENTRA_NOT_SET");
  });

  it("validates settings", () => {
    const base = { tenantId: "contoso.onmicrosoft.com", clientId: f.clientId, clientSecretEnv: "ENTRA_SECRET" };
    const defaults = {
      authorityHost: "https://login.microsoftonline.com",
      graphBaseUrl: "https://graph.microsoft.com",
    };
    expect(entraSettings.parse(base)).toEqual({ ...base, ...defaults });
    expect(entraSettings.parse({ ...base, graphBaseUrl: "https://graph.microsoft.us/" }).graphBaseUrl).toBe(
      "https://graph.microsoft.us",
    );
    expect(entraSettings.safeParse({ ...base, tenantId: f.tenantId }).success).toBe(true);
    for (const bad of [
      { clientSecretEnv: "AUTH_SECRET" },
      { clientSecretEnv: "DATABASE_URL" },
      { clientSecretEnv: "not a name" },
      { tenantId: "not a tenant!" },
      { clientId: "my-app" },
      { graphBaseUrl: "http://graph.microsoft.com" },
      { authorityHost: "https://login.microsoftonline.com/tenant" },
      { clientSecret: "inline secrets are not settings" },
    ])
      expect(entraSettings.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
  });
});

describe("scale", () => {
  it("pulls 10,000 users", async () => {
    const f = await fake({ users: entraUsers(10_000) });
    const read = await connect(f).read(null);
    expect(read.users).toHaveLength(10_000);
    expect(read.stats.requests).toBe(11 + 1);
  });
});
