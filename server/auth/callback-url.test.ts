import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("where a person goes after sign-in", () => {
  it.each([
    ["/identities?q=chen", "/identities?q=chen"],
    ["/audit#top", "/audit#top"],
    [undefined, "/"],
    ["https://evil.example/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["javascript:alert(1)", "/"],
  ])("%j → %j", (input, expected) => {
    const result = safeCallbackUrl(input);
    expect(result).toBe(expected);
    expect(new URL(result, "http://clearance.test").origin).toBe("http://clearance.test");
  });
});
