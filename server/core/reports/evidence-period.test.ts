import { describe, expect, it } from "vitest";
import { defaultEvidencePeriod } from "./evidence-period";

const now = new Date("2026-12-02T10:00:00Z");

describe("the evidence pack's default period", () => {
  it("is the last 90 days up to today on an install with history", () => {
    expect(defaultEvidencePeriod(new Date("2025-01-01T00:00:00Z"), now)).toEqual({
      from: "2026-09-04",
      to: "2026-12-02",
    });
  });

  it("starts at the first event on a new install, so the period holds what happened", () => {
    expect(defaultEvidencePeriod(new Date("2026-11-30T08:00:00Z"), now)).toEqual({
      from: "2026-11-30",
      to: "2026-12-02",
    });
    expect(defaultEvidencePeriod(null, now)).toEqual({ from: "2026-09-04", to: "2026-12-02" });
  });
});
