import { describe, expect, it } from "vitest";
import { isSaneDate, isSaneDay, saneCoercedDate, saneIsoDate, saneIsoDateTime } from "./dates";
import { reportFiltersSchema } from "../reports/filters";
import { describeUnstorable, findUnstorableValue, maxInputDepth, storableText } from "./storable";

const found = (input: unknown) => {
  const f = findUnstorableValue(input);
  return f && describeUnstorable(f);
};

describe("finding what PostgreSQL cannot store as sent", () => {
  it("passes ordinary input: text with tabs, newlines and emoji, numbers, dates, lists, objects, null", () => {
    expect(
      found({
        a: "line\n\tnext 🙂 é",
        b: [1, -0, 2.5, true, null, undefined],
        c: { d: new Date("2026-11-22T12:00:00Z") },
        e: "",
      }),
    ).toBeNull();
    expect(found(Object.assign(Object.create(null), { x: "no prototype" }))).toBeNull();
  });

  it.each([
    ["a NUL in a string, naming its path", { justification: "ok\u0000" }, "justification: contains a NUL character"],
    [
      "a NUL deep in a list",
      { changes: [{ path: "a" }, { path: "b", source: "\u0000" }] },
      "changes.1.source: contains a NUL character",
    ],
    ["a NUL in a key", { fields: { "a\u0000": "x" } }, "fields: has a key that contains a NUL character"],
    [
      "a lone high surrogate",
      { note: "x\ud800" },
      "note: contains an unpaired surrogate (text that is not valid Unicode)",
    ],
    [
      "a lone low surrogate",
      { note: "\udc00x" },
      "note: contains an unpaired surrogate (text that is not valid Unicode)",
    ],
    ["NaN", { page: Number.NaN }, "page: is not a finite number"],
    ["Infinity", { page: Number.POSITIVE_INFINITY }, "page: is not a finite number"],
    ["an invalid Date", { endsAt: new Date(Number.NaN) }, "endsAt: is not a valid date"],
    ["a Date in year 275760", { endsAt: new Date(8.64e15) }, "endsAt: must be a date between the years 1900 and 2200"],
    [
      "a Date in 1899",
      { startsAt: new Date("1899-12-31T23:59:59.999Z") },
      "startsAt: must be a date between the years 1900 and 2200",
    ],
    ["a BigInt", { id: 1n }, "id: must be text, a number, true or false, a date, a list or an object"],
    [
      "a Map",
      { attributes: new Map() },
      "attributes: must be text, a number, true or false, a date, a list or an object",
    ],
    ["a string as the whole input", "\u0000", "input: contains a NUL character"],
  ])("refuses %s", (_what, input, message) => {
    expect(found(input)).toBe(message);
  });

  it("names the first problem in document order", () => {
    expect(found({ a: "fine", b: ["x", "\u0000"], c: "\u0000" })).toBe("b.1: contains a NUL character");
  });

  it("refuses nesting deeper than the bound instead of walking it", () => {
    let deep: unknown = "end";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(found(deep)).toMatch(new RegExp(`is nested more than ${maxInputDepth} levels deep$`));
  });

  it("keeps a well-formed surrogate pair", () => {
    expect(found({ emoji: "\ud83d\ude00" })).toBeNull();
  });
});

describe("sane dates: the years 1900 to 2200", () => {
  it("holds at both ends and refuses just outside", () => {
    expect(isSaneDate(new Date("1900-01-01T00:00:00Z"))).toBe(true);
    expect(isSaneDate(new Date("2200-12-31T23:59:59.999Z"))).toBe(true);
    expect(isSaneDate(new Date("2201-01-01T00:00:00Z"))).toBe(false);
    expect(isSaneDate(new Date(Number.NaN))).toBe(false);
    expect(isSaneDay("2024-02-29")).toBe(true);
    expect(isSaneDay("2023-02-29")).toBe(false);
    expect(isSaneDay("0000-01-01")).toBe(false);
  });

  it("gives schemas a field error, not a database error", () => {
    expect(saneIsoDate().safeParse("9999-12-31").error?.issues[0]?.message).toBe(
      "must be a date between the years 1900 and 2200",
    );
    expect(saneIsoDateTime().safeParse("0001-01-01T00:00:00Z").success).toBe(false);
    expect(saneIsoDateTime().safeParse("2026-11-22T12:00:00+01:00").success).toBe(true);
    expect(saneCoercedDate().safeParse(8.64e15).success).toBe(false);
    expect(saneCoercedDate().safeParse("2026-11-22").success).toBe(true);
  });
});

describe("storable text for schemas outside tRPC", () => {
  it("refuses what the guard refuses, as a field error, and chains like z.string()", () => {
    const department = storableText().trim().min(1).max(200);
    expect(department.safeParse("Sales").data).toBe("Sales");
    expect(department.safeParse("Sa\u0000les").error?.issues[0]?.message).toBe("contains a NUL character");
    expect(department.safeParse("x\udfff").error?.issues[0]?.message).toMatch(/unpaired surrogate/);
  });

  it("keeps the report filters of GET /api/reports/<kind> from reaching the database with a NUL or a year-0 date", () => {
    expect(reportFiltersSchema.safeParse({ department: "Sa\u0000les" }).error?.issues[0]).toMatchObject({
      path: ["department"],
      message: "contains a NUL character",
    });
    expect(reportFiltersSchema.safeParse({ from: "0000-01-01" }).error?.issues[0]).toMatchObject({
      path: ["from"],
      message: "must be a date between the years 1900 and 2200",
    });
  });
});
