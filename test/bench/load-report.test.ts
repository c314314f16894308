import { describe, expect, it } from "vitest";
import { busyWindowRate, splitQueues, type Approver } from "@/bench/load/decisions";
import type { LoadResult } from "@/bench/load/cannon";
import { BASELINE } from "@/bench/load/endpoints";
import { goals, loadTable, shareOfBaseline, type Row } from "@/bench/load/report";

const result = (rps: number, p95 = 20): LoadResult => ({
  requests: rps * 10,
  rps,
  p50: p95 / 2,
  p95,
  p99: p95,
  errors: 0,
  non2xx: 0,
  timeouts: 0,
  firstBadStatus: null,
});
const row = (endpoint: string, instances: number, connections: number, rps: number): Row => ({
  endpoint,
  instances,
  connections,
  result: result(rps),
  baselineRps: 0,
  rssNext: [100],
  rssLauncher: [100],
});

describe("the load table's share of the no-database route", () => {
  const rows = [
    row(BASELINE, 1, 10, 1000),
    row("exceptions.list + counts (IT)", 1, 10, 600),
    row(BASELINE, 1, 50, 800),
    row("exceptions.list + counts (IT)", 1, 50, 200),
    row(BASELINE, 2, 50, 1600),
    row("exceptions.list + counts (IT)", 2, 50, 400),
  ];

  it("divides by the baseline measured at the same connections and instance count", () => {
    expect(shareOfBaseline(rows, rows[1]!)).toBeCloseTo(0.6);
    expect(shareOfBaseline(rows, rows[3]!)).toBeCloseTo(0.25);
    expect(shareOfBaseline(rows, rows[5]!)).toBeCloseTo(0.25);
    expect(loadTable(rows)).toMatch(/exceptions\.list \+ counts \(IT\)\s+2\s+50\s+400\.0\s+25 %/);
  });

  it("has no share, and meets no goal, without a baseline row", () => {
    const alone = [row("exceptions.list + counts (IT)", 1, 10, 600)];
    expect(shareOfBaseline(alone, alone[0]!)).toBeNaN();
    expect(goals(alone, [], null)).toMatch(/exceptions\.list.*MISSED/);
  });
});

describe("the decision mix's rate", () => {
  it("counts the answers while every worker was busy, over that time", () => {
    // Three workers from t=0; one ran out at 4 s, the others went on to the 10 s deadline.
    const r = busyWindowRate(0, [4000, 10_000, 10_000], [500, 1500, 3000, 3999, 4001, 6000, 9000]);
    expect(r.seconds).toBe(4);
    expect(r.decisions).toBe(4);
    expect(r.perSecond).toBe(1);
  });

  it("uses the whole run when nobody ran out", () => {
    const r = busyWindowRate(1000, [11_000, 11_000], [2000, 5000, 10_999, 11_500]);
    expect(r).toEqual({ seconds: 10, decisions: 3, perSecond: 0.3 });
  });

  it("gives each run its own part of every approver's queue", () => {
    const approvers: Approver[] = [
      { email: "a", cookie: "", queue: ["a1", "a2", "a3", "a4", "a5"] },
      { email: "b", cookie: "", queue: ["b1", "b2"] },
    ];
    const [one, two] = splitQueues(approvers, 2);
    expect(one!.map((a) => a.queue)).toEqual([["a1", "a2", "a3"], ["b1"]]);
    expect(two!.map((a) => a.queue)).toEqual([["a4", "a5"], ["b2"]]);
    // The runs take from their own queues: the first one's shifts leave the second's intact.
    one![0]!.queue.length = 0;
    expect(two![0]!.queue).toEqual(["a4", "a5"]);
    expect(approvers[0]!.queue).toHaveLength(5);
  });
});
