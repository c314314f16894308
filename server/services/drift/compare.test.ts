import { describe, expect, it } from "vitest";
import { copyText } from "./compare";

describe("copyText (COPY's text format)", () => {
  it("passes plain values through unchanged", () => {
    expect(copyText("bench:group:g12")).toBe("bench:group:g12");
    expect(copyText("")).toBe("");
  });

  it("writes null as \\N and escapes backslash, tab, newline and carriage return", () => {
    expect(copyText(null)).toBe("\\N");
    expect(copyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(copyText("\\N")).toBe("\\\\N");
  });
});
