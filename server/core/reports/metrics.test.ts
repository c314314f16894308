import { describe, expect, it } from "vitest";
import { exceptionMetrics, lastMonths, monthlyReportText, percentileOf, type ExceptionFact } from "./metrics";

const at = (iso: string) => new Date(iso);
const fact = (over: Partial<ExceptionFact>): ExceptionFact => ({
  source: "request",
  resourceKey: "google:group:finance-reports@company.com",
  requesterDepartment: "Sales",
  requesterEmail: "a@company.com",
  startsAt: at("2026-11-01T00:00:00Z"),
  expiresAt: at("2026-11-20T00:00:00Z"),
  createdAt: at("2026-11-01T00:00:00Z"),
  endedAt: null,
  endReason: null,
  extensionsUsed: 0,
  ...over,
});

describe("exception metrics (seed 000)", () => {
  it("measures volume against all access, duration buckets and expiration compliance with the seed's targets", () => {
    const now = at("2026-11-10T00:00:00Z");
    const m = exceptionMetrics(
      [
        fact({}),
        fact({ expiresAt: at("2027-03-01T00:00:00Z") }),
        fact({
          createdAt: at("2026-10-01T00:00:00Z"),
          startsAt: at("2026-10-01T00:00:00Z"),
          expiresAt: at("2026-10-08T00:00:00Z"),
          endedAt: at("2026-10-08T00:00:00Z"),
          endReason: "expired",
        }),
        fact({
          createdAt: at("2026-10-02T00:00:00Z"),
          startsAt: at("2026-10-02T00:00:00Z"),
          endedAt: at("2026-10-05T00:00:00Z"),
          endReason: "revoked",
          extensionsUsed: 1,
        }),
      ],
      [{ createdAt: at("2026-11-01T00:00:00Z"), decidedAt: at("2026-11-01T06:00:00Z"), status: "approved" }],
      98,
      now,
    );
    expect(m.volume).toMatchObject({ active: 2, sharePercent: 2, met: true });
    expect(m.volume.trend.at(-1)).toEqual({ month: "2026-11", created: 2, ended: 0 });
    expect(m.volume.trend.at(-2)).toEqual({ month: "2026-10", created: 2, ended: 2 });
    expect(m.duration.buckets.map((b) => b.count)).toEqual([2, 1, 0, 1]);
    expect(m.expiration).toMatchObject({
      ended: 2,
      onTimePercent: 50,
      extendedPercent: 50,
      revokedPercent: 50,
      met: false,
    });
    expect(m.approval).toMatchObject({ p50Hours: 6, approvalRatePercent: 100, met: true });
  });

  it("gives no expiration percentages while no exception has ended, even when an open one was extended", () => {
    const m = exceptionMetrics([fact({ extensionsUsed: 1 }), fact({})], [], 10, at("2026-11-10T00:00:00Z"));
    expect(m.expiration).toMatchObject({
      ended: 0,
      onTimePercent: null,
      extendedPercent: null,
      revokedPercent: null,
      met: null,
    });
    const text = monthlyReportText(m, "2026-11", 0, 2);
    expect(text).toContain("No exception has ended yet");
    expect(text).not.toMatch(/extended \d|n\/a%/);
  });

  it("percentiles and months", () => {
    expect(percentileOf([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentileOf([5, 1, 3, 2, 4], 90)).toBe(5);
    expect(percentileOf([], 50)).toBeNull();
    expect(lastMonths(at("2026-02-15T00:00:00Z"), 3)).toEqual(["2025-12", "2026-01", "2026-02"]);
  });
});
