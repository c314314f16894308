import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { newAdapterCallTotals, readOperationalFigures } from "./figures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("empty");
});
afterAll(() => t.close());

const logCalls = (rows: [system: string, outcome: string, ms: number][]) =>
  Promise.all(
    rows.map(([system, outcome, ms]) =>
      t.db.execute(sql`insert into adapter_calls (system_key, call, outcome, duration_ms, at)
        values (${system}, 'grant', ${outcome}, ${ms}, now())`),
    ),
  );

describe("the adapter call counters of /api/metrics", () => {
  it("count each logged call once, through the log's end as it was 30 s earlier, adding only new rows", async () => {
    const totals = newAdapterCallTotals();
    const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 9, 0, s));
    await logCalls([
      ["google", "done", 120],
      ["google", "done", 380],
      ["google", "error", 1500],
    ]);
    expect((await readOperationalFigures(t.db, at(0), totals)).adapterCalls).toEqual([]);
    await logCalls([["github", "done", 200]]);
    // Through the end seen at 0 s: the three calls before it, not the one after.
    expect((await readOperationalFigures(t.db, at(31), totals)).adapterCalls).toEqual([
      { system: "google", call: "grant", outcome: "done", count: 2, durationSecondsSum: 0.5 },
      { system: "google", call: "grant", outcome: "error", count: 1, durationSecondsSum: 1.5 },
    ]);
    await logCalls([["google", "done", 100]]);
    expect((await readOperationalFigures(t.db, at(62), totals)).adapterCalls).toEqual([
      { system: "github", call: "grant", outcome: "done", count: 1, durationSecondsSum: 0.2 },
      { system: "google", call: "grant", outcome: "done", count: 2, durationSecondsSum: 0.5 },
      { system: "google", call: "grant", outcome: "error", count: 1, durationSecondsSum: 1.5 },
    ]);
    const later = (await readOperationalFigures(t.db, at(93), totals)).adapterCalls;
    expect(later.find((c) => c.system === "google" && c.outcome === "done")).toMatchObject({
      count: 3,
      durationSecondsSum: 0.6,
    });
    // A second process starting now counts the whole log once its first mark is 30 s old.
    const fresh = newAdapterCallTotals();
    await readOperationalFigures(t.db, at(93), fresh);
    expect((await readOperationalFigures(t.db, at(124), fresh)).adapterCalls).toEqual(later);
  });
});
