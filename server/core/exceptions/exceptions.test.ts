import { describe, expect, it } from "vitest";
import {
  countsAsAccess,
  daysRemaining,
  defaultTypeSettings,
  dueReminder,
  expiryFor,
  exceptionTimeline,
  nextExtensionApproval,
  retryDelayMs,
} from ".";

const at = (iso: string) => new Date(iso);
const DAY = 24 * 60;

describe("expiry", () => {
  it("runs day-long access to the end of its last day (seed 000: 6 weeks from Nov 24 → Jan 6) and shorter access to the minute", () => {
    expect(expiryFor(at("2024-11-24T14:30:00Z"), 42 * DAY, "UTC").toISOString()).toBe("2025-01-06T00:00:00.000Z");
    expect(expiryFor(at("2025-01-06T00:00:00Z"), 28 * DAY, "UTC").toISOString()).toBe("2025-02-03T00:00:00.000Z");
    expect(expiryFor(at("2024-11-24T14:30:00Z"), 240, "UTC").toISOString()).toBe("2024-11-24T18:30:00.000Z");
  });

  it("ends day-long access at midnight in the organization's zone, not UTC midnight", () => {
    // 6 weeks from 14:30 UTC on Nov 24 is 15:30 in Berlin on Jan 5: it runs to midnight there (23:00 UTC).
    expect(expiryFor(at("2024-11-24T14:30:00Z"), 42 * DAY, "Europe/Berlin").toISOString()).toBe(
      "2025-01-05T23:00:00.000Z",
    );
    // 06:30 in Los Angeles on Nov 24; the end of Jan 5 there is 08:00 UTC on Jan 6.
    expect(expiryFor(at("2024-11-24T14:30:00Z"), 42 * DAY, "America/Los_Angeles").toISOString()).toBe(
      "2025-01-06T08:00:00.000Z",
    );
    // Across the spring-forward night (Mar 8, 2026) the midnight that ends the last day is PDT, UTC-7.
    expect(expiryFor(at("2026-03-02T18:00:00Z"), 7 * DAY, "America/Los_Angeles").toISOString()).toBe(
      "2026-03-10T07:00:00.000Z",
    );
    // Shorter access still ends to the minute, whatever the zone.
    expect(expiryFor(at("2024-11-24T14:30:00Z"), 240, "Europe/Berlin").toISOString()).toBe("2024-11-24T18:30:00.000Z");
  });

  it("counts an exception only between start and expiry, and never once ended (invariant 4)", () => {
    const e = { startsAt: at("2026-01-01T00:00:00Z"), expiresAt: at("2026-01-02T00:00:00Z"), endedAt: null };
    expect(countsAsAccess(e, at("2025-12-31T23:59:59Z"))).toBe(false);
    expect(countsAsAccess(e, at("2026-01-01T12:00:00Z"))).toBe(true);
    expect(countsAsAccess(e, at("2026-01-02T00:00:00Z"))).toBe(false);
    expect(countsAsAccess({ ...e, endedAt: at("2026-01-01T06:00:00Z") }, at("2026-01-01T12:00:00Z"))).toBe(false);
    expect(daysRemaining(at("2025-01-06T00:00:00Z"), at("2024-11-29T09:00:00Z"))).toBe(38);
  });
});

describe("reminders", () => {
  const project = defaultTypeSettings.project;
  const sixWeeks = {
    startsAt: at("2024-11-24T14:30:00Z"),
    expiresAt: at("2025-01-06T00:00:00Z"),
    remindersSent: [] as number[],
  };
  it("sends the 14-day reminder exactly 14 days before, once", () => {
    expect(dueReminder(sixWeeks, project, at("2024-12-22T23:59:00Z"))).toBeNull();
    expect(dueReminder(sixWeeks, project, at("2024-12-23T00:00:00Z"))).toBe(14 * DAY);
    expect(dueReminder({ ...sixWeeks, remindersSent: [14 * DAY] }, project, at("2024-12-24T00:00:00Z"))).toBeNull();
    expect(dueReminder({ ...sixWeeks, remindersSent: [14 * DAY] }, project, at("2025-01-05T00:00:00Z"))).toBe(DAY);
  });
  it("skips reminders longer than the access, and after downtime sends only the nearest one", () => {
    const fourHours = {
      startsAt: at("2026-01-01T08:00:00Z"),
      expiresAt: at("2026-01-01T12:00:00Z"),
      remindersSent: [] as number[],
    };
    expect(dueReminder(fourHours, project, at("2026-01-01T08:00:00Z"))).toBeNull();
    expect(dueReminder(fourHours, project, at("2026-01-01T11:00:00Z"))).toBe(60);
    expect(dueReminder(sixWeeks, project, at("2025-01-05T23:30:00Z"))).toBe(60);
    expect(dueReminder(sixWeeks, project, at("2025-01-06T00:00:00Z"))).toBeNull();
  });
});

describe("extensions (invariant 9)", () => {
  it("two by the original approvers, two escalated, then none; a role transition never", () => {
    expect(nextExtensionApproval({ type: "project", extensionsUsed: 0 }, defaultTypeSettings.project)).toEqual({
      escalated: false,
    });
    expect(nextExtensionApproval({ type: "project", extensionsUsed: 1 }, defaultTypeSettings.project)).toEqual({
      escalated: false,
    });
    expect(nextExtensionApproval({ type: "project", extensionsUsed: 2 }, defaultTypeSettings.project)).toEqual({
      escalated: true,
      group: "security",
    });
    expect(nextExtensionApproval({ type: "project", extensionsUsed: 3 }, defaultTypeSettings.project)).toEqual({
      escalated: true,
      group: "security",
    });
    expect(() => nextExtensionApproval({ type: "project", extensionsUsed: 4 }, defaultTypeSettings.project)).toThrow(
      /extended 4 times/,
    );
    expect(() =>
      nextExtensionApproval({ type: "role_transition", extensionsUsed: 0 }, defaultTypeSettings.role_transition),
    ).toThrow(/hard expiry/);
    expect(() =>
      nextExtensionApproval(
        { type: "project", extensionsUsed: 2 },
        { ...defaultTypeSettings.project, escalatedApproverGroup: null },
      ),
    ).toThrow(/none is set/);
  });
  it("backs off retries 5 s, 10 s, 20 s … up to 15 minutes", () => {
    expect([1, 2, 3, 4, 20].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000, 900_000]);
  });
});

describe("timeline", () => {
  it("reads as seed 000's lifecycle, 71 days", () => {
    const { steps, durationDays } = exceptionTimeline(
      {
        requestedAt: at("2024-11-24T14:00:00Z"),
        approvedAt: at("2024-11-24T14:30:00Z"),
        approvedBy: "cfo@company.com",
        deliveredAt: at("2024-11-24T14:35:00Z"),
        extensions: [
          {
            approvedAt: at("2024-12-20T10:00:00Z"),
            approvedBy: "cfo@company.com",
            previousExpiresAt: at("2025-01-06T00:00:00Z"),
            newExpiresAt: at("2025-02-03T00:00:00Z"),
          },
        ],
        endedAt: at("2025-02-03T00:00:00Z"),
        endReason: "expired",
        endedBy: "system:exceptions-expire",
        removalDeliveredAt: null,
        status: "revoke_failed",
      },
      at("2025-03-01T00:00:00Z"),
    );
    expect(steps.map((s) => `${s.label} ${s.detail}`.trim())).toEqual([
      "Requested",
      "Approved by cfo@company.com",
      "Granted the system confirmed",
      "Extended +4 weeks, approved by cfo@company.com",
      "Revoked (expired)",
      "Revoke failed the access may still be there: IT must act",
    ]);
    expect(durationDays).toBe(71);
  });
});
