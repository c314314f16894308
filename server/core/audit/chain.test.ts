import { describe, expect, it } from "vitest";
import { canonicalJson, chainInput, GENESIS_HASH, type ChainedContent } from "./chain";

const event: ChainedContent = {
  occurredAt: new Date("2026-11-22T12:00:00.123Z"),
  actorType: "identity",
  actorId: "a1",
  actorLabel: "cfo@company.com",
  action: "exception.approved",
  subjectType: "exception",
  subjectId: "e1",
  before: null,
  after: { expiresAt: "2027-01-06", grant: { resource: "google:group:finance-reports@company.com" } },
  reason: "Approved for commission analysis",
  context: { ip: "203.0.113.9" },
};

describe("audit chain input", () => {
  it("does not depend on the order of object keys (jsonb reorders them)", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it("covers the previous hash and every field", () => {
    const base = chainInput(GENESIS_HASH, event);
    expect(chainInput("f".repeat(64), event)).not.toBe(base);
    for (const [key, value] of Object.entries({ actorLabel: "someone@else", reason: "edited", occurredAt: new Date(0), after: null })) {
      expect(chainInput(GENESIS_HASH, { ...event, [key]: value })).not.toBe(base);
    }
  });
});
