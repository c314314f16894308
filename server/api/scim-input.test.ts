import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identities } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { rowCounter } from "@/test/support/row-counts";
import { CLEARANCE, PATCH_OP, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";

/** Issue 12, point 13, for SCIM: what PostgreSQL cannot store is a 400 invalidValue naming the attribute, never a 500. */
let t: TestDatabase;
let token: string;
let countRows: Awaited<ReturnType<typeof rowCounter>>;
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => {
  clock.advance(1);
  return scimClient(t.db, clock, () => token)(...args);
};

beforeAll(async () => {
  t = await createTestDatabase();
  countRows = await rowCounter(t.db);
  token = (
    await createHrSource({
      ctx: await as(t.db, "priya.raman@company.com", clock),
      input: { key: "okta", name: "Okta" },
    })
  ).token;
});
afterAll(() => t.close());

const newUser = {
  schemas: [USER, CLEARANCE],
  userName: "nina.park@company.com",
  externalId: "nina.park",
  name: { givenName: "Nina", familyName: "Park" },
  title: "Sales Engineer",
};

describe("SCIM bodies PostgreSQL cannot store", () => {
  it.each([
    ["a NUL in title", { title: "Sales\u0000Engineer" }, "title: contains a NUL character"],
    ["a NUL in externalId", { externalId: "nina\u0000" }, "externalId: contains a NUL character"],
    [
      "a NUL in an extension attribute",
      { [CLEARANCE]: { team: "Enterprise\u0000" } },
      `${CLEARANCE}:team: contains a NUL character`,
    ],
    [
      "an unpaired surrogate in a sub-attribute",
      { name: { givenName: "Nina \ud800", familyName: "Park" } },
      "name.givenName: contains an unpaired surrogate (text that is not valid Unicode)",
    ],
    [
      "a NUL in a list",
      { emails: [{ value: "nina.park@company.com" }, { value: "n\u0000@company.com" }] },
      "emails[1].value: contains a NUL character",
    ],
  ])("refuses %s with a 400 invalidValue naming the attribute, creating nothing", async (_what, change, detail) => {
    const before = await countRows();
    const reply = await scim("POST", "/Users", { ...newUser, ...change });
    expect(reply).toMatchObject({ status: 400, body: { status: "400", scimType: "invalidValue", detail } });
    expect(await countRows()).toEqual(before);
  });

  it("refuses a hire date outside 1900-2200 (year 0 used to answer 500)", async () => {
    const before = (await t.db.select({ n: count() }).from(identities))[0]!.n;
    for (const hireDate of ["0000-01-01", "9999-12-31"]) {
      const reply = await scim("POST", "/Users", { ...newUser, [CLEARANCE]: { hireDate } });
      expect(reply).toMatchObject({
        status: 400,
        body: { scimType: "invalidValue", detail: expect.stringMatching(/hireDate.*between the years 1900 and 2200/) },
      });
    }
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(before);
  });

  it("names a PATCH value by the operation's path", async () => {
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    const before = await countRows();
    const reply = await scim("PATCH", `/Users/${johnId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "title", value: "VP\u0000" }],
    });
    expect(reply).toMatchObject({
      status: 400,
      body: { scimType: "invalidValue", detail: "title: contains a NUL character" },
    });
    expect(await countRows()).toEqual(before);
  });
});
