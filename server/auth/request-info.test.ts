import { describe, expect, it } from "vitest";
import { requestInfo } from "./request-info";

describe("where a request came from", () => {
  const headers = new Headers({ "x-forwarded-for": "203.0.113.5, 10.0.0.1", "user-agent": "Firefox" });

  it("believes X-Forwarded-For only behind a trusted proxy", () => {
    expect(requestInfo(headers, true)).toEqual({ ip: "203.0.113.5", userAgent: "Firefox" });
    expect(requestInfo(headers, false)).toEqual({ ip: null, userAgent: "Firefox" });
  });

  it("has nothing to say without a request", () => {
    expect(requestInfo(undefined)).toEqual({ ip: null, userAgent: null });
  });
});
