import { describe, expect, it } from "vitest";
import { labelLines } from "./graph-labels";

describe("policy graph labels", () => {
  it("keeps a short name on one line", () => {
    expect(labelLines("finance-team-access")).toEqual(["finance-team-access"]);
  });

  it("wraps a long name at a hyphen instead of clipping it", () => {
    const lines = labelLines("engineering-platform-oncall-production-access");
    expect(lines).toEqual(["engineering-platform-oncall-", "production-access"]);
    expect(lines.join("")).toBe("engineering-platform-oncall-production-access");
  });

  it("ends a name longer than two lines in an ellipsis", () => {
    const lines = labelLines("a".repeat(80));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/…$/);
    expect(lines.every((l) => l.length <= 28)).toBe(true);
  });
});
