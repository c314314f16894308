import { describe, expect, it } from "vitest";
import { addressBucket, clientAddress, trustedProxyHops } from "@/server/http/client-address";
import { PEER_ADDRESS_HEADER } from "@/server/http/peer-address";
import { requestInfo } from "./request-info";

describe("where a request came from", () => {
  // The client wrote 198.51.100.7 itself; the trusted proxy appended the address it saw.
  const headers = new Headers({
    "x-forwarded-for": "198.51.100.7, 203.0.113.5",
    "user-agent": "Firefox",
    [PEER_ADDRESS_HEADER]: "10.0.0.1",
  });

  it("behind a trusted proxy, believes only the entry that proxy appended", () => {
    expect(requestInfo(headers, true)).toEqual({ ip: "203.0.113.5", userAgent: "Firefox" });
    expect(clientAddress(headers, 2)).toBe("198.51.100.7");
    expect(clientAddress(new Headers({ "x-real-ip": "203.0.113.9" }), 1)).toBe("203.0.113.9");
  });

  it("without one, takes the socket's address and ignores X-Forwarded-For", () => {
    expect(requestInfo(headers, false)).toEqual({ ip: "10.0.0.1", userAgent: "Firefox" });
    expect(requestInfo(new Headers({ "x-forwarded-for": "203.0.113.5" }), false).ip).toBeNull();
    expect(clientAddress(new Headers({ [PEER_ADDRESS_HEADER]: "::ffff:127.0.0.1" }), 0)).toBe("127.0.0.1");
  });

  it("refuses what is not an address", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "unknown, not-an-address" }), 1)).toBeNull();
    expect(clientAddress(new Headers({ "x-forwarded-for": "x".repeat(5000) }), 1)).toBeNull();
  });

  it("reads CLEARANCE_TRUST_PROXY as a number of proxies", () => {
    expect(
      [undefined, "", "0", "no", "1", "true", "2"].map((v) => trustedProxyHops({ CLEARANCE_TRUST_PROXY: v })),
    ).toEqual([0, 0, 0, 0, 1, 1, 2]);
  });

  it("limits an IPv6 address by its /64, an IPv4 address by itself", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::7")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket(null)).toBe("unknown");
  });

  it("has nothing to say without a request", () => {
    expect(requestInfo(undefined)).toEqual({ ip: null, userAgent: null });
  });
});
