import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFilter } from "@/server/core/scim/filter";
import { matchesFilter } from "@/server/core/scim/filter-match";
import { identities } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { CLEARANCE, ENTERPRISE, SCIMMY, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";
import { giveEveryoneTo } from "@/test/support/hr";
import { createHrSource } from "../hr/events";

let t: TestDatabase;
let token: string;
let johnId: string;
let everyone: Record<string, unknown>[];
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => scimClient(t.db, clock, () => token)(...args);
const ids = (users: { id: string }[]) => users.map((u) => u.id);
const list = async (query: Record<string, string>) => scim("GET", `/Users?${new URLSearchParams(query)}`);

/** Every User, walking the pages as a client would. */
async function allUsers(filter?: string) {
  const users: Record<string, unknown>[] = [];
  for (let startIndex = 1; ; startIndex += 200) {
    const reply = await list({ startIndex: String(startIndex), count: "200", ...(filter ? { filter } : {}) });
    expect(reply.status).toBe(200);
    users.push(...reply.body.Resources);
    if (startIndex + 200 > reply.body.totalResults) return users;
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  token = (await createHrSource({ ctx: it_, input: { key: "entra", name: "Entra ID" } })).token;
  // Entra ID manages the whole directory here (scoping itself: scope.test.ts).
  await giveEveryoneTo(it_, "entra");
  johnId = await identityIdByEmail(t.db, "john.doe@company.com");
  // Users as clients write them: names in parts, several emails and phone numbers with their
  // types, a userName that is no email; beside them the seeded people, whose SCIM view is implied
  // by their identity (displayName split into given and family names in SQL too).
  const users = [
    {
      userName: "cher@company.com",
      displayName: "Cher",
      name: { givenName: "Cher" },
      emails: [
        { value: "cher@company.com", type: "work", primary: true },
        { value: "cher@home.example", type: "home" },
      ],
      active: false,
    },
    {
      userName: "JCVD",
      displayName: "Jean  Claude Van Damme",
      name: { givenName: "Jean", middleName: "Claude", familyName: "Van Damme", honorificSuffix: "Jr." },
      emails: [{ value: "jcvd@company.com", type: "work" }],
      phoneNumbers: [
        { value: "+1 555 0100", type: "mobile", primary: true },
        { value: "+32 2 555 01 00", type: "work" },
      ],
      [ENTERPRISE]: { employeeNumber: "E-100" },
    },
    { userName: "pct_100%@company.com", displayName: "Percent O'Hara", active: true },
  ];
  for (const user of users) {
    clock.advance(1);
    expect((await scim("POST", "/Users", { schemas: [USER, ENTERPRISE], ...user })).status).toBe(201);
  }
  everyone = await allUsers();
});
afterAll(() => t.close());

describe("listing Users", () => {
  it("pages with a 1-based startIndex and count: totalResults is every person, pages neither overlap nor skip", async () => {
    const [{ n }] = (await t.db.select({ n: count() }).from(identities)) as [{ n: number }];
    expect(everyone).toHaveLength(n);
    expect(new Set(ids(everyone as { id: string }[])).size).toBe(n);
    const walked: string[] = [];
    for (let startIndex = 1; startIndex <= n; startIndex += 7) {
      const page = (await list({ startIndex: String(startIndex), count: "7" })).body;
      expect(page).toMatchObject({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        totalResults: n,
        startIndex,
        itemsPerPage: Math.min(7, n - startIndex + 1),
      });
      walked.push(...ids(page.Resources));
    }
    expect(walked).toEqual(ids(everyone as { id: string }[]));
  });

  it("defaults count to 100, caps it at 200, reads count=0 as totals only and startIndex<1 as 1; refuses a count that is no number", async () => {
    const total = everyone.length;
    expect((await list({})).body).toMatchObject({
      startIndex: 1,
      itemsPerPage: Math.min(100, total),
      totalResults: total,
    });
    expect((await list({ count: "1000" })).body.itemsPerPage).toBe(Math.min(200, total));
    expect((await list({ count: "0" })).body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
    expect((await list({ startIndex: "-3", count: "2" })).body).toMatchObject({
      startIndex: 1,
      Resources: everyone.slice(0, 2),
    });
    expect((await list({ startIndex: String(total + 1) })).body).toMatchObject({ totalResults: total, Resources: [] });
    expect(await list({ count: "ten" })).toMatchObject({
      status: 400,
      body: { scimType: "invalidValue", detail: expect.stringMatching(/^count: must be an integer/) },
    });
  });
});

describe("filtering Users", () => {
  it("finds a person by userName (in any case) or by externalId (exactly), as identity providers do before creating", async () => {
    const sarah = await list({ filter: 'userName eq "Sarah.Chen@COMPANY.com"' });
    expect(sarah.body).toMatchObject({
      totalResults: 1,
      Resources: [{ userName: "sarah.chen@company.com", externalId: "sarah.chen" }],
    });
    expect(
      (await list({ filter: 'externalId eq "sarah.chen"' })).body.Resources.map(
        (u: { userName: string }) => u.userName,
      ),
    ).toEqual(["sarah.chen@company.com"]);
    expect((await list({ filter: 'externalId eq "SARAH.CHEN"' })).body.totalResults).toBe(0);
    expect((await list({ filter: 'userName eq "nobody@company.com"' })).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
  });

  it("active eq true counts exactly the Active people; with its opposite it covers everyone", async () => {
    const [{ n: activeCount }] = (await t.db
      .select({ n: count() })
      .from(identities)
      .where(sql`lower(${identities.employmentStatus}) = 'active'`)) as [{ n: number }];
    const active = (await list({ filter: "active eq true", count: "0" })).body.totalResults;
    const inactive = (await list({ filter: "active eq false", count: "0" })).body.totalResults;
    expect(active).toBe(activeCount);
    expect(inactive).toBeGreaterThan(0);
    expect(active + inactive).toBe(everyone.length);
  });

  it("combines with and / or, paging the filtered set", async () => {
    const salesEngineers = await allUsers(`${ENTERPRISE}:department eq "Sales" and title co "engineer"`);
    expect(salesEngineers.length).toBeGreaterThan(0);
    for (const u of salesEngineers)
      expect(u).toMatchObject({ title: expect.stringMatching(/engineer/i), [ENTERPRISE]: { department: "Sales" } });
    const either = await allUsers(`userName eq "sarah.chen@company.com" or externalId eq "john.doe"`);
    expect(either.map((u) => u.userName).sort()).toEqual(["john.doe@company.com", "sarah.chen@company.com"]);
    const page = (await list({ filter: "active eq true", startIndex: "3", count: "2" })).body;
    expect(ids(page.Resources)).toEqual(ids((await allUsers("active eq true")).slice(2, 4) as { id: string }[]));
  });

  // The filter runs in SQL; the in-memory evaluator reads RFC 7644 independently of it. Over the
  // whole directory both must select the same people.
  it.each([
    'name.familyName eq "van damme"',
    'name.familyName eq "claude van damme"',
    'name.givenName eq "Jean" or name.givenName eq "cher"',
    'name.middleName eq "claude" and name.honorificSuffix pr',
    'userName eq "jcvd"',
    'emails[type eq "home"]',
    'emails.value ew "@home.example" or emails[value sw "jcvd@"]',
    'not (emails[type eq "home"]) and emails pr',
    'phoneNumbers[type eq "mobile" and value sw "+1"]',
    'phoneNumbers.value co "555" and phoneNumbers.primary eq true',
    `${ENTERPRISE}:employeeNumber eq "E-100"`,
    "name.familyName pr",
    "name pr",
    "not (name pr)",
    'displayName sw "J" and not (title pr)',
    'userName co "%"',
    'userName ew "_100%@company.com"',
    'title ge "Senior" and title lt "T"',
    'meta.created gt "2026-06-01T08:00:00Z"',
    'meta.created ge "2026-06-01T08:02:00Z" and meta.created le "2026-06-01T08:02:00Z"',
    `${CLEARANCE}:hireDate ge "2016-02-01" and ${CLEARANCE}:hireDate le "2016-02-01"`,
    'meta.lastModified le "2026-06-01T08:01:00.000Z"',
    `${ENTERPRISE}:manager.value eq "JOHNID"`,
    `${ENTERPRISE}:manager.displayName eq "john doe"`,
    `${ENTERPRISE}:manager pr`,
    `not (${ENTERPRISE}:costCenter pr) or ${ENTERPRISE}:costCenter eq "CC-1234"`,
    `${CLEARANCE}:trainings eq "SECURITY-101"`,
    `${CLEARANCE}:trainings sw "prod"`,
    `${CLEARANCE}:hireDate gt "2020-01-01"`,
    `${CLEARANCE}:location ne "New York"`,
    `schemas eq "${CLEARANCE}"`,
    'emails[type eq "work" and value ew "@company.com"]',
    'emails.primary eq true and emails.type eq "home"',
    "userType eq null",
    'nickName ne "x" and not (phoneNumbers pr)',
    `${ENTERPRISE}:employeeNumber eq "SARAH.CHEN"`,
    'meta.resourceType eq "User" and id pr',
  ])("SQL and the in-memory evaluator agree on %s", async (text) => {
    const filter = text.replace("JOHNID", johnId);
    const selected = ids((await allUsers(filter)) as { id: string }[]);
    const expected = everyone.filter((u) => matchesFilter(parseFilter(filter), u)).map((u) => u.id);
    expect(selected).toEqual(expected);
    if (expected.length === 0) expect(filter).toMatch(/claude van damme|employeeNumber eq "SARAH/);
  });

  // scimmy compares case-exactly and does not follow URN paths; on the filters where it and
  // RFC 7644 agree, the API must select what scimmy selects from the same Users.
  it.each([
    'userName eq "sarah.chen@company.com" or userName eq "john.doe@company.com"',
    'title sw "Senior" and active eq true',
    "not (active eq true)",
    'emails[type eq "work" and value sw "j"]',
    'displayName co " " and not (userType eq "Contractor")',
    "title pr and userType pr",
  ])("agrees with scimmy on %s", async (filter) => {
    // scimmy throws on emails[...] for a User without emails (one here signs in by userName); none of them can match.
    const comparable = everyone.filter((u) => !filter.includes("emails[") || u.emails);
    const theirs = new SCIMMY.Types.Filter(filter).match(comparable).map((u: { id: string }) => u.id);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ids((await allUsers(filter)) as { id: string }[])).toEqual(theirs);
  });

  it.each([
    ['userName eq "unclosed', /not closed/],
    ["userName eq", /Expected a value/],
    ['favouriteColour eq "blue"', /Unknown attribute "favouriteColour"/],
    ['active co "tr"', /boolean/],
    ['meta.created gt "last week"', /not a date and time/],
  ])("refuses the filter %s with 400 invalidFilter", async (filter, detail) => {
    expect(await list({ filter })).toMatchObject({
      status: 400,
      body: { status: "400", scimType: "invalidFilter", detail: expect.stringMatching(detail) },
    });
  });

  it("filters a person back by what they were created with", async () => {
    const [cher] = await t.db.select().from(identities).where(eq(identities.email, "cher@company.com"));
    expect(cher).toMatchObject({ displayName: "Cher", externalId: "cher", employmentStatus: "Terminated" });
    expect((await list({ filter: 'name.givenName eq "Cher" and active eq false' })).body.Resources).toEqual([
      expect.objectContaining({ id: cher!.id, name: { givenName: "Cher" } }),
    ]);
    const [jcvd] = await t.db.select().from(identities).where(eq(identities.email, "jcvd@company.com"));
    // userName is not the sign-in email; the HR id is the employeeNumber sent.
    expect(jcvd).toMatchObject({ displayName: "Jean  Claude Van Damme", externalId: "E-100" });
    expect((await list({ filter: 'userName eq "jcvd"' })).body.Resources).toEqual([
      expect.objectContaining({ id: jcvd!.id, userName: "JCVD", phoneNumbers: expect.any(Array) }),
    ]);
  });
});
