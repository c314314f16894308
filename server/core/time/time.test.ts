import { describe, expect, it } from "vitest";
import { durationWords, parseDuration, shortDuration } from "../fallbacks/duration";
import { offsetText } from "../exceptions/expiry";
import {
  canonicalTimeZone,
  formatDay,
  formatWhen,
  midnightEnding,
  dayAfter,
  daysIn,
  endOfDayIn,
  wallClockIn,
  wallClockValue,
  remaining,
  zoneLabel,
} from ".";

const at = (iso: string) => new Date(iso);

describe("zones", () => {
  it("accepts IANA names and UTC, resolving aliases, and refuses anything else", () => {
    expect(canonicalTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Etc/UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
    expect(canonicalTimeZone("+01:00")).toBeNull();
  });
});

describe("showing times", () => {
  const moment = at("2026-12-02T13:05:00Z");
  it("shows a moment in the viewer's zone with the zone named", () => {
    expect(formatWhen(moment, "UTC")).toBe("2 Dec 2026, 13:05 UTC");
    expect(formatWhen(moment, "Europe/Berlin")).toBe("2 Dec 2026, 14:05 GMT+1");
    expect(formatWhen(moment, "America/New_York")).toBe("2 Dec 2026, 08:05 EST");
    expect(formatWhen("2026-07-02T13:05:00.000Z", "America/New_York")).toBe("2 Jul 2026, 09:05 EDT");
    expect(formatWhen(null, "UTC")).toBe("—");
    expect(zoneLabel("America/Los_Angeles", moment)).toBe("America/Los_Angeles (PST)");
  });
  it("shows the day a moment falls on in the zone", () => {
    expect(formatDay(at("2026-12-02T23:30:00Z"), "UTC")).toBe("2026-12-02");
    expect(formatDay(at("2026-12-02T23:30:00Z"), "Europe/Berlin")).toBe("2026-12-03");
    expect(formatDay(at("2026-12-02T03:30:00Z"), "America/Los_Angeles")).toBe("2026-12-01");
    expect(formatDay(undefined, "UTC")).toBe("—");
  });
  it("says how long is left in the largest sensible unit, with the right plural", () => {
    expect(remaining(38 * 86_400_000 - 3_600_000)).toBe("38 days");
    expect(remaining(5 * 3_600_000 + 60_000)).toBe("5 hours");
    expect(remaining(20 * 60_000 + 59_000)).toBe("20 minutes");
    expect(remaining(60_000)).toBe("1 minute");
    expect(remaining(10_000)).toBe("1 minute");
    expect(remaining(0)).toBe("expired");
  });
  it("writes durations in words and reads the short form back", () => {
    expect(durationWords(30)).toBe("30 minutes");
    expect(durationWords(1440)).toBe("1 day");
    expect(durationWords(60480)).toBe("6 weeks");
    expect(offsetText(1440)).toBe("1 day");
    expect(offsetText(60)).toBe("1 hour");
    expect(offsetText(20160)).toBe("14 days");
    expect(shortDuration(10080)).toBe("1w");
    expect(parseDuration(shortDuration(90))).toBe(90);
  });
});

describe("days in a zone", () => {
  it("ends a given day at its last moment in the zone, so it is shown back as the same day", () => {
    expect(endOfDayIn("2025-01-06", "UTC").toISOString()).toBe("2025-01-06T23:59:59.999Z");
    expect(endOfDayIn("2025-01-06", "Europe/Berlin").toISOString()).toBe("2025-01-06T22:59:59.999Z");
    expect(endOfDayIn("2025-01-06", "America/Los_Angeles").toISOString()).toBe("2025-01-07T07:59:59.999Z");
    // Spring forward in Los Angeles (Mar 8, 2026): that day ends in PDT (UTC-7), the day before in PST.
    expect(endOfDayIn("2026-03-07", "America/Los_Angeles").toISOString()).toBe("2026-03-08T07:59:59.999Z");
    expect(endOfDayIn("2026-03-08", "America/Los_Angeles").toISOString()).toBe("2026-03-09T06:59:59.999Z");
    expect(formatDay(endOfDayIn("2026-03-08", "America/Los_Angeles"), "America/Los_Angeles")).toBe("2026-03-08");
  });
  it("ends the day a moment falls on at the next midnight, or at the moment if it is one", () => {
    expect(midnightEnding(at("2026-03-08T12:00:00Z"), "America/Los_Angeles").toISOString()).toBe(
      "2026-03-09T07:00:00.000Z",
    );
    expect(midnightEnding(at("2025-01-05T23:00:00Z"), "Europe/Berlin").toISOString()).toBe("2025-01-05T23:00:00.000Z");
  });
  it("reads and writes form values as wall-clock time in the viewer's zone", () => {
    expect(wallClockIn("2030-01-06T09:00", "America/New_York").toISOString()).toBe("2030-01-06T14:00:00.000Z");
    expect(wallClockValue(at("2030-01-06T14:00:00Z"), "America/New_York")).toBe("2030-01-06T09:00");
    const away = daysIn("2026-03-07", "2026-03-08", "America/Los_Angeles");
    expect(away.startsAt.toISOString()).toBe("2026-03-07T08:00:00.000Z");
    expect(away.endsAt.toISOString()).toBe("2026-03-09T07:00:00.000Z");
    expect(dayAfter(at("2026-12-02T23:30:00Z"), 14, "Europe/Berlin")).toBe("2026-12-17");
  });
});
