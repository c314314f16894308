import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, delegations } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as } from "@/test/support/requests";
import { createDelegation, endDelegation, listDelegations } from "./delegations";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const footprint = async () => [
  (await t.db.select({ n: count() }).from(delegations))[0]!.n,
  (await t.db.select({ n: count() }).from(auditEvents))[0]!.n,
];

describe("out-of-office delegation", () => {
  it("hands John's decisions to Alice for a date range, listed for both, and ends early on request", async () => {
    const john = await as(t.db, "john.doe@company.com");
    const alice = await as(t.db, "alice@company.com");
    const created = await createDelegation({
      ctx: john,
      input: {
        delegateEmail: "Alice@company.com",
        startsAt: d("2026-11-20"),
        endsAt: d("2026-12-05"),
        reason: "Vacation",
      },
    });
    expect((await listDelegations({ ctx: john }))[0]).toMatchObject({
      mine: true,
      state: "in force",
      delegateEmail: "alice@company.com",
    });
    expect((await listDelegations({ ctx: alice }))[0]).toMatchObject({ mine: false, delegatorName: "John Doe" });
    await expect(endDelegation({ ctx: alice, input: { id: created.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const ended = await endDelegation({ ctx: john, input: { id: created.id } });
    expect(ended.endedAt).not.toBeNull();
    expect((await listDelegations({ ctx: john }))[0]!.state).toBe("over");
  });

  const refusals: [string, object, string, RegExp][] = [
    ["themselves", { delegateEmail: "john.doe@company.com" }, "delegateEmail", /someone other than yourself/],
    [
      "someone who is not Active",
      { delegateEmail: "tom.becker@company.com" },
      "delegateEmail",
      /Tom Becker is not Active/,
    ],
    ["nobody", { delegateEmail: "ghost@company.com" }, "delegateEmail", /nobody has the email ghost@company.com/],
    [
      "an end before the start",
      { startsAt: d("2026-12-10"), endsAt: d("2026-12-01") },
      "endsAt",
      /end must be after the start/,
    ],
    [
      "longer than a year",
      { startsAt: d("2026-12-01"), endsAt: new Date(d("2027-12-01").getTime() + 1) },
      "endsAt",
      /at most a year/,
    ],
    ["a start centuries ago", { startsAt: d("0001-01-01") }, "startsAt", /between the years 1900 and 2200/],
    ["an end past 2200", { endsAt: d("2201-01-01") }, "endsAt", /between the years 1900 and 2200/],
  ];
  it.each(refusals)("refuses a delegation to %s, changing nothing", async (_what, change, field, message) => {
    const john = await as(t.db, "john.doe@company.com");
    const before = await footprint();
    await expect(
      createDelegation({
        ctx: john,
        input: {
          delegateEmail: "alice@company.com",
          startsAt: d("2026-12-01"),
          endsAt: d("2026-12-10"),
          reason: "",
          ...change,
        },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field, message: expect.stringMatching(message) });
    expect(await footprint()).toEqual(before);
  });

  it("allows a delegation of exactly a year", async () => {
    const john = await as(t.db, "john.doe@company.com");
    const created = await createDelegation({
      ctx: john,
      input: {
        delegateEmail: "alice@company.com",
        startsAt: d("2028-03-01"),
        endsAt: d("2029-03-01"),
        reason: "Sabbatical",
      },
    });
    expect(created.endsAt).toEqual(d("2029-03-01"));
  });

  it("refuses overlapping periods", async () => {
    const john = await as(t.db, "john.doe@company.com");
    await createDelegation({
      ctx: john,
      input: { delegateEmail: "alice@company.com", startsAt: d("2027-01-01"), endsAt: d("2027-01-10"), reason: "" },
    });
    await expect(
      createDelegation({
        ctx: john,
        input: { delegateEmail: "bob@company.com", startsAt: d("2027-01-05"), endsAt: d("2027-01-20"), reason: "" },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
