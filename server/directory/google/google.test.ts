import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryRead } from "@/server/directory/types";
import {
  googleGroups,
  googleUserId,
  googleUsers,
  groupMember,
  type FakeGoogle,
  type FakeUser,
} from "@/test/fakes/google-directory";
import { googleTestbed, rejection } from "@/test/fakes/google/testbed";

// Reads through the real connector and SDK against the fake (test/fakes/google-directory.ts);
// google-setup.test.ts covers the service account, the key file and the settings.
const bed = googleTestbed();
const ADMIN = bed.admin;
const fake = bed.fake;
const connect = (google: FakeGoogle, settings?: Record<string, unknown>) => bed.connect(google, settings);
const apiRequests = (google: FakeGoogle, suffix: string) =>
  google.state.requests.filter((r) => r.path.startsWith("/admin/") && r.path.endsWith(suffix));

afterAll(() => bed.close());

describe("a full read", () => {
  let google: FakeGoogle;
  let users: FakeUser[];
  let read: DirectoryRead;

  beforeAll(async () => {
    users = googleUsers(1200);
    // user 2: two organizations, the primary one second, with an empty cost center and no title
    users[2]!.organizations = [
      { name: "Old Corp", primary: false, department: "Ops", title: "Lead", costCenter: "CC-1", description: "Intern" },
      { name: "Example Corp", primary: true, department: "Research", costCenter: "", description: "  " },
    ];
    const groups = googleGroups(5, users);
    groups[0]!.members.push(groupMember(groups[1]!), { id: "C0fake00", role: "MEMBER", type: "CUSTOMER" });
    google = await fake({ users, groups, maxPageSize: { groups: 2, members: 100 } });
    read = await connect(google).read(null);
  });

  it("is full, with no cursor, and pages users by 500, groups and members as the directory allows", () => {
    expect(read.kind).toBe("full");
    expect(read.cursor).toBeNull();
    expect(read.removedUserIds).toEqual([]);
    expect(read.removedGroupIds).toEqual([]);
    expect(read.users).toHaveLength(1200);
    expect(new Set(read.users.map((u) => u.remoteId)).size).toBe(1200);

    const userPages = apiRequests(google, "/users");
    expect(userPages).toHaveLength(3); // 500 + 500 + 200
    expect(userPages.map((r) => r.query.maxResults)).toEqual(["500", "500", "500"]);
    expect(userPages[0]!.query).toMatchObject({ customer: "my_customer", projection: "full" });
    expect(userPages[0]!.query.pageToken).toBeUndefined();
    expect(userPages[1]!.query.pageToken).toBeTruthy();
    expect(userPages[0]!.query.fields).toContain("nextPageToken");

    expect(apiRequests(google, "/groups")).toHaveLength(3); // 5 groups, 2 a page
    const memberPages = apiRequests(google, "/members");
    expect(memberPages).toHaveLength(15); // 5 groups × 240 people, 100 a page
    expect(memberPages.every((r) => r.query.includeDerivedMembership === "false")).toBe(true);
    expect(read.stats).toEqual({ requests: 3 + 3 + 15, throttled: 0 });
    expect(google.state.tokensIssued).toBe(1);
  });

  it("maps every field of a user", () => {
    const user = read.users.find((u) => u.remoteId === googleUserId(12));
    expect(user).toEqual({
      remoteId: "100000000000000000012",
      email: "luis.okafor.11@example.com",
      displayName: "Luis Okafor",
      active: true,
      managerEmail: "bruno.okafor.1@example.com",
      employeeNumber: "E000012",
      attributes: {
        department: "Legal",
        job_title: "Counsel",
        cost_center: "CC-105",
        employment_type: "Full-time",
        location: "NYC-5",
      },
    });
    const contractor = read.users.find((u) => u.remoteId === googleUserId(10));
    expect(contractor?.attributes.employment_type).toBe("Contractor");
  });

  it("takes the primary organization, and null for its empty fields", () => {
    const user = read.users.find((u) => u.remoteId === googleUserId(3));
    expect(user?.attributes).toMatchObject({
      department: "Research",
      job_title: null,
      cost_center: null,
      employment_type: null,
    });
  });

  it("leaves out what the directory does not hold", () => {
    const noOrganization = read.users.find((u) => u.remoteId === googleUserId(13))!;
    expect(Object.keys(noOrganization.attributes)).toEqual(["location"]);
    const first = read.users.find((u) => u.remoteId === googleUserId(1))!;
    expect(first).not.toHaveProperty("managerEmail");
    expect(first.employeeNumber).toBe("E000001");
  });

  it("reads suspended and archived people as inactive", () => {
    const active = (n: number) => read.users.find((u) => u.remoteId === googleUserId(n))?.active;
    expect(active(50)).toBe(false); // suspended
    expect(active(97)).toBe(false); // archived
    expect(active(51)).toBe(true);
    expect(read.users.filter((u) => !u.active).length).toBe(users.filter((u) => u.suspended || u.archived).length);
  });

  it("lists each group's people, not its member groups or the customer", () => {
    expect(read.groups.map((g) => g.name)).toEqual(["Group 0", "Group 1", "Group 2", "Group 3", "Group 4"]);
    const group0 = read.groups[0]!;
    expect(group0.remoteId).toBe("0fakegrp0000000");
    const expected = users.filter((_, k) => k % 5 === 0).map((u) => u.id);
    expect("set" in group0.members && [...group0.members.set].sort()).toEqual([...expected].sort());
  });
});

describe("the next read", () => {
  it("shows what changed in the directory and reuses the access token", async () => {
    const users = googleUsers(30);
    const groups = googleGroups(2, users);
    const google = await fake({ users, groups });
    const connector = connect(google);
    await connector.read(null);

    google.upsertUser({ ...users[4]!, organizations: [{ primary: true, department: "Finance", title: "CFO" }] });
    google.upsertUser({ ...users[5]!, suspended: true });
    google.removeUser(users[6]!.id);
    const [newcomer] = googleUsers(1, { first: 30 });
    google.upsertUser(newcomer!);
    google.setMembers(groups[1]!.id, [
      { id: newcomer!.id, email: newcomer!.primaryEmail, role: "MEMBER", type: "USER" },
    ]);

    const read = await connector.read("ignored: the Directory API has no delta");
    expect(read.kind).toBe("full");
    const byId = new Map(read.users.map((u) => [u.remoteId, u]));
    expect(byId.get(users[4]!.id)?.attributes).toMatchObject({ department: "Finance", job_title: "CFO" });
    expect(byId.get(users[5]!.id)?.active).toBe(false);
    expect(byId.has(users[6]!.id)).toBe(false);
    expect(byId.get(newcomer!.id)?.email).toBe(newcomer!.primaryEmail);
    expect(read.groups[1]!.members).toEqual({ set: [newcomer!.id] });
    expect(google.state.tokensIssued).toBe(1);
  });
});

describe("throttling", () => {
  let google: FakeGoogle;
  beforeAll(async () => {
    const users = googleUsers(20);
    google = await fake({ users, groups: googleGroups(1, users) });
  });
  afterEach(() => google.clearFailures());

  it("waits out 429s as Retry-After asks and counts them", async () => {
    const connector = connect(google);
    google.throttleNext(2);
    const started = performance.now();
    const read = await connector.read(null);
    const waited = performance.now() - started;
    expect(read.users).toHaveLength(20);
    expect(read.stats).toEqual({ requests: 3 + 2, throttled: 2 });
    expect(waited).toBeGreaterThanOrEqual(2 * 1000 - 50); // Retry-After: 1, twice
    const answers = google.state.requests.filter((r) => r.path.startsWith("/admin/")).map((r) => r.status);
    expect(answers.slice(-5)).toEqual([429, 429, 200, 200, 200]);
  });

  it("waits as long as Retry-After asks, beyond its own backoff", async () => {
    google.throttleNext(1, { retryAfter: "3" });
    const started = performance.now();
    const read = await connect(google).read(null);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3000 - 50);
    expect(read.stats.throttled).toBe(1);
  });

  it("treats 403 userRateLimitExceeded as throttling too", async () => {
    google.throttleNext(1, { status: 403, reason: "userRateLimitExceeded", retryAfter: undefined });
    const read = await connect(google).read(null);
    expect(read.stats).toEqual({ requests: 3 + 1, throttled: 1 });
  });

  it("gives up on a 429 that does not stop, with a retryable error", async () => {
    google.throttleNext(50);
    const e = await rejection(connect(google).read(null));
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("kept throttling");
    expect(e.message).toContain("rateLimitExceeded");
    expect(google.state.nextFailures.length).toBe(50 - 5);
  });

  it("retries a 500 a few times, then fails retryably", async () => {
    google.failPath("/admin/directory/v1/groups", { status: 500, reason: "backendError", message: "Backend Error" });
    const e = await rejection(connect(google).read(null));
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("Backend Error");
  });
});

describe("refusals", () => {
  let google: FakeGoogle;
  beforeAll(async () => {
    const users = googleUsers(10);
    google = await fake({ users, groups: googleGroups(2, users) });
  });
  afterEach(() => google.clearFailures());

  it("says the admin cannot read users on a 403, not retryable, with Google's message", async () => {
    google.failPath("/admin/directory/v1/users");
    const connector = connect(google);
    const e = await rejection(connector.read(null));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`the admin ${ADMIN} cannot read users`);
    expect(e.message).toContain("Not Authorized to access this resource/api");
    const health = await connector.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain(`the admin ${ADMIN} cannot read users`);
  });

  it("says so when the impersonated account is not an admin", async () => {
    const health = await connect(google, { adminEmail: google.state.users[3]!.primaryEmail }).health();
    expect(health).toEqual({ ok: false, detail: expect.stringContaining("cannot read users") });
    expect(health.detail).toContain(google.state.users[3]!.primaryEmail);
  });

  it("says which groups cannot be read", async () => {
    google.failPath("/admin/directory/v1/groups");
    const health = await connect(google).health();
    expect(health.detail).toContain(`the admin ${ADMIN} cannot read groups`);
  });

  it("drops a group deleted while the read was under way", async () => {
    const gone = google.state.groups[1]!;
    google.failPath(`/admin/directory/v1/groups/${gone.id}/members`, {
      status: 404,
      reason: "notFound",
      message: "Resource Not Found: groupKey",
    });
    const read = await connect(google).read(null);
    expect(read.groups.map((g) => g.remoteId)).toEqual([google.state.groups[0]!.id]);
  });

  it("is healthy when the token and a user and a group can be had", async () => {
    const health = await connect(google).health();
    expect(health).toEqual({ ok: true, detail: expect.stringContaining(`acting as ${ADMIN}`) });
    const last = google.state.requests.slice(-2);
    expect(last.map((r) => [r.path, r.query.maxResults])).toEqual([
      ["/admin/directory/v1/users", "1"],
      ["/admin/directory/v1/groups", "1"],
    ]);
  });
});
