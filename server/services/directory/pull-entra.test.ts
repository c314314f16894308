import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identities } from "@/server/db/schema";
import { entraConnector, entraSettings } from "@/server/directory/entra";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import {
  entraId,
  entraUsers,
  startFakeGraph,
  trustFakeGraphCertificate,
  type FakeGraph,
} from "@/test/fakes/entra-graph";
import { as, movableClock } from "@/test/support/requests";
import type { ServiceContext } from "../context";
import { setAttributeOwnership } from "../attribute-ownership";
import { createDirectoryPull, runDirectoryPull } from "./pulls";

let t: TestDatabase;
let it_: ServiceContext;
let graph: FakeGraph;
let untrust = () => {};
const clock = movableClock("2026-06-01T08:00:00Z");
const U = (n: number) => entraId("user", n);
// The product's connector, through Microsoft's SDKs, pointed at the fake by its two URLs.
const connect = (_kind: string, settings: unknown) =>
  entraConnector(entraSettings.parse(settings), {
    env: { ENTRA_PULL_SECRET: graph.clientSecret } as unknown as NodeJS.ProcessEnv,
  });
const run = () => runDirectoryPull({ ctx: it_, input: { key: "entra" }, connect });
const person = async (email: string) => (await t.db.select().from(identities).where(eq(identities.email, email)))[0];

beforeAll(async () => {
  untrust = trustFakeGraphCertificate();
  t = await createTestDatabase();
  it_ = await as(t.db, "priya.raman@company.com", clock);
  graph = await startFakeGraph({
    users: entraUsers(40),
    groups: [{ id: entraId("group", 1), displayName: "platform-oncall", members: [U(1), U(2), U(3)] }],
    pageSize: 15,
  });
  await createDirectoryPull({
    ctx: it_,
    input: {
      key: "entra",
      name: "Entra ID",
      kind: "entra",
      settings: {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecretEnv: "ENTRA_PULL_SECRET",
        authorityHost: graph.url,
        graphBaseUrl: graph.url,
      },
      intervalMinutes: 30,
    },
  });
});
afterAll(async () => {
  await graph?.close();
  await t?.close();
  untrust();
});

describe("pulling Entra ID with delta queries (issue 16, point 5)", () => {
  it("a full read over pages, then deltas: a change, a deletion and group members added and removed", async () => {
    const first = await run();
    expect(first).toMatchObject({ status: "ok", result: { kind: "full", users: { created: 40, skipped: 0 } } });
    expect(await person("user1@contoso.com")).toMatchObject({
      externalId: "E000001",
      department: expect.any(String),
      groups: ["platform-oncall"],
      managedBy: "entra",
    });
    // Graph names the manager by id: the pull links them, even when the manager came later in the read
    const head = await person("user0@contoso.com");
    expect(await person("user5@contoso.com")).toMatchObject({ managerId: head!.id });

    graph.state.updateUser(U(4), { department: "Procurement" });
    graph.state.deleteUser(U(6));
    graph.state.addMembers(entraId("group", 1), [U(4)]);
    graph.state.removeMembers(entraId("group", 1), [U(1)]);
    const second = await run();
    expect(second).toMatchObject({
      status: "ok",
      result: { kind: "delta", users: { changed: 1, left: 1, created: 0 }, groups: { changed: 1 } },
    });
    expect(await person("user4@contoso.com")).toMatchObject({ department: "Procurement", groups: ["platform-oncall"] });
    expect(await person("user1@contoso.com")).toMatchObject({ groups: [] });
    expect(await person("user6@contoso.com")).toMatchObject({ employmentStatus: "Terminated" });
    expect(graph.requests.some((r) => r.url.includes("$deltatoken"))).toBe(true);
  });

  it("with `groups` not owned, Entra's groups no longer reach the attribute on the next change", async () => {
    await setAttributeOwnership({
      ctx: it_,
      input: { writer: { kind: "source", key: "entra" }, attributes: ["department", "job_title", "manager"] },
    });
    graph.state.addMembers(entraId("group", 1), [U(7)]);
    expect(await run()).toMatchObject({ status: "ok", result: { kind: "delta", groups: { changed: 1 } } });
    expect((await person("user7@contoso.com"))!.groups).toEqual([]);
  });
});
