import { describe, expect, it } from "vitest";
import { exceptionTimeline, type TimelineInput } from "./timeline";

const at = (iso: string) => new Date(iso);

describe("an exception's timeline is in time order", () => {
  // Issue 12 point 10: the grant kept failing while an extension was approved; the grant landed a
  // minute later, and the page showed "Granted 19:24" above "Extended 19:23".
  const lateGrant: TimelineInput = {
    requestedAt: at("2026-11-22T19:00:00Z"),
    approvedAt: at("2026-11-22T19:01:00Z"),
    approvedBy: "cfo@company.com",
    deliveredAt: at("2026-11-22T19:24:00Z"),
    extensions: [
      {
        approvedAt: at("2026-11-22T19:23:00Z"),
        approvedBy: "cfo@company.com",
        previousExpiresAt: at("2026-12-01T00:00:00Z"),
        newExpiresAt: at("2026-12-08T00:00:00Z"),
      },
    ],
    endedAt: null,
    endReason: null,
    endedBy: null,
    removalDeliveredAt: null,
    status: "active",
  };

  it("puts an extension approved before a late grant above the grant", () => {
    const { steps } = exceptionTimeline(lateGrant, at("2026-11-23T00:00:00Z"));
    expect(steps.map((s) => `${s.at.toISOString().slice(11, 16)} ${s.label}`)).toEqual([
      "19:00 Requested",
      "19:01 Approved",
      "19:23 Extended",
      "19:24 Granted",
    ]);
  });

  it("keeps the lifecycle's own order for steps at the same moment, and every step after the one before", () => {
    const same = at("2026-11-22T19:01:00Z");
    const { steps } = exceptionTimeline(
      {
        ...lateGrant,
        requestedAt: same,
        deliveredAt: same,
        extensions: [],
        endedAt: same,
        endReason: "revoked",
        endedBy: "priya.raman@company.com",
        removalDeliveredAt: same,
        status: "removed",
      },
      at("2026-11-23T00:00:00Z"),
    );
    expect(steps.map((s) => s.label)).toEqual(["Requested", "Approved", "Granted", "Revoked", "Removal delivered"]);
    const { steps: revokedEarly } = exceptionTimeline(
      {
        ...lateGrant,
        deliveredAt: null,
        status: "removing",
        endedAt: at("2026-11-22T19:10:00Z"),
        endReason: "revoked",
        endedBy: "priya.raman@company.com",
        extensions: [],
      },
      at("2026-11-23T00:00:00Z"),
    );
    for (let i = 1; i < revokedEarly.length; i++)
      expect(revokedEarly[i]!.at.getTime()).toBeGreaterThanOrEqual(revokedEarly[i - 1]!.at.getTime());
  });

  it("names the IT admin who proposed it, where a request would say Requested (issue 12, point 1)", () => {
    const { steps } = exceptionTimeline(
      { ...lateGrant, proposedBy: "priya.raman@company.com" },
      at("2026-11-23T00:00:00Z"),
    );
    expect(steps[0]).toMatchObject({ label: "Proposed", detail: "by priya.raman@company.com (IT)" });
    expect(steps[1]).toMatchObject({ label: "Approved", detail: "by cfo@company.com" });
  });
});
