import { describe, expect, it } from "vitest";
import { canonicalJson, chainInput, GENESIS_HASH, keyedChainInput, type ChainedContent } from "./chain";
import { checkpointInput, checkpointName, CHECKPOINT_NAME, parseCheckpoint } from "./checkpoint";

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
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("covers the previous hash and every field", () => {
    const base = chainInput(GENESIS_HASH, event);
    expect(chainInput("f".repeat(64), event)).not.toBe(base);
    for (const [key, value] of Object.entries({
      actorLabel: "someone@else",
      reason: "edited",
      occurredAt: new Date(0),
      after: null,
    })) {
      expect(chainInput(GENESIS_HASH, { ...event, [key]: value })).not.toBe(base);
    }
  });

  it("keys the link with the key id and a version tag", () => {
    const keyed = keyedChainInput("k1", GENESIS_HASH, event);
    expect(keyed).toBe(`clearance-audit/v2\nk1\n${chainInput(GENESIS_HASH, event)}`);
    expect(keyedChainInput("k2", GENESIS_HASH, event)).not.toBe(keyed);
  });
});

describe("audit checkpoints", () => {
  const body = {
    version: 1 as const,
    count: 3,
    legacy: 1,
    headId: 7,
    headHash: "a".repeat(64),
    at: "2026-11-22T12:00:00.000Z",
    keyId: "k1",
  };

  it("are signed over a text no event link can have", () => {
    expect(checkpointInput(body)).toMatch(/^clearance-audit-checkpoint\/v1\n\{/);
    expect(checkpointInput({ ...body, count: 4 })).not.toBe(checkpointInput(body));
  });

  it("are named so that the newest sorts first", () => {
    const names = ["2026-11-22T12:00:00.000Z", "2026-11-22T13:00:00.000Z", "2027-01-01T00:00:00.000Z"].map((at) =>
      checkpointName({ at, count: 1 }),
    );
    expect([...names].sort()).toEqual([...names].reverse());
    expect(names[0]).toBe("8204651199999-2026-11-22T120000000Z-1.json");
    for (const n of names) expect(n).toMatch(CHECKPOINT_NAME);
  });

  it("parse only when complete and consistent", () => {
    expect(parseCheckpoint(JSON.stringify({ ...body, signature: "b".repeat(64) }))).toMatchObject({ ok: true });
    expect(parseCheckpoint("{")).toEqual({ ok: false, problem: "it is not JSON" });
    expect(parseCheckpoint(JSON.stringify({ ...body, signature: "short" }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^signature/),
    });
    expect(parseCheckpoint(JSON.stringify({ ...body, headId: null, signature: "b".repeat(64) }))).toMatchObject({
      ok: false,
    });
    expect(parseCheckpoint(JSON.stringify({ ...body, extra: 1, signature: "b".repeat(64) }))).toMatchObject({
      ok: false,
    });
  });
});
