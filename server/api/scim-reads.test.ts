import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identities } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { giveEveryoneTo } from "@/test/support/hr";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, USER } from "@/test/support/scim";
import { SCIM_BASE, scimClient } from "@/test/support/scim-client";
import { methodNotAllowed } from "./scim";

/** Issue 16, point 1: reads to the letter of RFC 7644 (projection, .search, discovery by id, errors as SCIM). */

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
let t: TestDatabase;
let token: string;
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => scimClient(t.db, clock, () => token)(...args);
const people = async () => (await t.db.select({ n: count() }).from(identities))[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  const priya = await as(t.db, "priya.raman@company.com", clock);
  token = (await createHrSource({ ctx: priya, input: { key: "okta", name: "Okta" } })).token;
  await giveEveryoneTo(priya, "okta");
});
afterAll(() => t.close());

const sarahFilter = encodeURIComponent('userName eq "sarah.chen@company.com"');

describe("attributes and excludedAttributes on every answer with Users", () => {
  it("a list carries only what attributes names (and id, schemas); excludedAttributes leaves out what it names", async () => {
    const only = await scim("GET", `/Users?filter=${sarahFilter}&attributes=userName,${ENTERPRISE}:department`);
    expect(only.status).toBe(200);
    expect(only.body.Resources).toEqual([
      {
        schemas: [USER, ENTERPRISE],
        id: expect.any(String),
        userName: "sarah.chen@company.com",
        [ENTERPRISE]: { department: "Sales" },
      },
    ]);
    const without = await scim("GET", `/Users?filter=${sarahFilter}&excludedAttributes=emails,name,meta`);
    const [sarah] = without.body.Resources;
    expect(Object.keys(sarah)).not.toEqual(expect.arrayContaining(["emails"]));
    expect(sarah).not.toHaveProperty("name");
    expect(sarah).not.toHaveProperty("meta");
    expect(sarah).toMatchObject({ userName: "sarah.chen@company.com", displayName: "Sarah Chen", active: true });
  });

  it("GET of one User and the answers of POST, PUT and PATCH apply them too; the ETag stays the whole User's", async () => {
    const [listed] = (await scim("GET", `/Users?filter=${sarahFilter}`)).body.Resources;
    const one = await scim("GET", `/Users/${listed.id}?attributes=displayName`);
    expect(one.body).toEqual({ schemas: [USER], id: listed.id, displayName: "Sarah Chen" });
    expect(one.headers.get("etag")).toBe(listed.meta.version);
    const created = await scim("POST", "/Users?attributes=userName", {
      schemas: [USER],
      userName: "nina.holt@company.com",
      displayName: "Nina Holt",
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ schemas: [USER], id: expect.any(String), userName: "nina.holt@company.com" });
    expect(created.headers.get("location")).toBe(`${SCIM_BASE}/Users/${created.body.id}`);
    const patched = await scim("PATCH", `/Users/${created.body.id}?excludedAttributes=emails,meta`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "title", value: "Analyst" }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: "Analyst", userName: "nina.holt@company.com" });
    expect(patched.body).not.toHaveProperty("emails");
  });

  it("both at once is a 400 invalidSyntax naming excludedAttributes, and a POST so asked creates nobody", async () => {
    const before = await people();
    const reply = await scim("POST", "/Users?attributes=userName&excludedAttributes=emails", {
      schemas: [USER],
      userName: "omar.reed@company.com",
      displayName: "Omar Reed",
    });
    expect(reply).toMatchObject({
      status: 400,
      body: { status: "400", scimType: "invalidSyntax", detail: expect.stringMatching(/excludedAttributes/) },
    });
    expect(await people()).toBe(before);
  });
});

describe("POST /.search (RFC 7644 §3.4.3)", () => {
  it("finds with a SearchRequest what the query string finds, at /Users/.search and at the root", async () => {
    const query = (await scim("GET", `/Users?filter=${sarahFilter}&attributes=userName`)).body;
    const body = { schemas: [SEARCH], filter: 'userName eq "sarah.chen@company.com"', attributes: ["userName"] };
    for (const path of ["/Users/.search", "/.search"]) {
      const found = await scim("POST", path, body);
      expect(found.status, path).toBe(200);
      expect(found.body).toEqual(query);
      expect(found.body.Resources).toEqual([
        { schemas: [USER], id: expect.any(String), userName: "sarah.chen@company.com" },
      ]);
    }
    const page = await scim("POST", "/Users/.search", {
      schemas: [SEARCH],
      startIndex: 2,
      count: 3,
      sortBy: "userName",
    });
    expect(page.body).toMatchObject({ startIndex: 2, itemsPerPage: 3 });
  });

  it("refuses a body that is not a SearchRequest, naming what is wrong", async () => {
    const cases: [unknown, RegExp][] = [
      [{ filter: "userName pr" }, /schemas must include/],
      [{ schemas: [SEARCH], count: "10" }, /count: must be an integer/],
      [{ schemas: [SEARCH], attributes: "userName" }, /attributes: must be an array/],
      [{ schemas: [SEARCH], sortOrder: "up" }, /sortOrder/],
      [{ schemas: [SEARCH], limit: 5 }, /limit is not a SearchRequest attribute/],
    ];
    for (const [body, detail] of cases) {
      const reply = await scim("POST", "/Users/.search", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.detail).toMatch(detail);
    }
    const badFilter = await scim("POST", "/Users/.search", { schemas: [SEARCH], filter: "userName zz 1" });
    expect(badFilter).toMatchObject({ status: 400, body: { scimType: "invalidFilter" } });
    expect((await scim("POST", "/.search", { schemas: [SEARCH] }, { token: null })).status).toBe(401);
  });
});

describe("discovery by id, and SCIM errors for what does not exist", () => {
  it("GET /ResourceTypes/User, /ResourceTypes/Group and /Schemas/{urn} answer the documents the lists hold; another id is a SCIM 404", async () => {
    const types = (await scim("GET", "/ResourceTypes")).body.Resources;
    expect((await scim("GET", "/ResourceTypes/User")).body).toEqual(types[0]);
    expect((await scim("GET", "/ResourceTypes/group")).body).toEqual(types[1]);
    expect((await scim("GET", "/ResourceTypes/Role")).body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });
    const schemas = (await scim("GET", "/Schemas")).body.Resources;
    expect((await scim("GET", `/Schemas/${ENTERPRISE}`)).body).toEqual(schemas[1]);
    expect((await scim("GET", `/Schemas/${ENTERPRISE}`)).body.meta.location).toBe(`${SCIM_BASE}/Schemas/${ENTERPRISE}`);
    expect((await scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")).body).toEqual(schemas[3]);
    expect((await scim("GET", "/Schemas/urn:example:nothing")).status).toBe(404);
  });

  it("any other path is a SCIM 404, and a method an endpoint lacks a SCIM 405 naming the ones it has", async () => {
    for (const [method, path] of [
      ["GET", "/Bulk"],
      ["POST", "/Bulks"],
      ["DELETE", "/Roles/abc"],
    ]) {
      const reply = await scim(method!, path!);
      expect(reply.status, path).toBe(404);
      expect(reply.body).toMatchObject({ status: "404", detail: `No SCIM endpoint /api/scim/v2${path}` });
    }
    expect(await scim("GET", "/Me")).toMatchObject({ status: 501, body: { status: "501" } });
    expect(await scim("GET", "/.search")).toMatchObject({ status: 405, body: { status: "405" } });
    const refused = methodNotAllowed(["GET", "POST"])();
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("GET, POST");
    expect(refused.headers.get("content-type")).toBe("application/scim+json");
    expect(await refused.json()).toMatchObject({ status: "405", detail: "This endpoint answers GET, POST" });
  });
});
