import { describe, expect, it } from "vitest";
import { ExpiringLru } from "./lru";

describe("ExpiringLru", () => {
  it("keeps at most max entries, dropping the least recently used", () => {
    const lru = new ExpiringLru<string, number>(2);
    lru.set("a", 1, 100, 0);
    lru.set("b", 2, 100, 0);
    expect(lru.get("a", 1)).toBe(1); // a is now the most recent
    lru.set("c", 3, 100, 1);
    expect(lru.get("b", 2)).toBeUndefined();
    expect([lru.get("a", 2), lru.get("c", 2)]).toEqual([1, 3]);
    expect(lru.size).toBe(2);
  });

  it("never serves an entry at or after its expiry, and does not store one already expired", () => {
    const lru = new ExpiringLru<string, number>(10);
    lru.set("a", 1, 100, 0);
    expect(lru.get("a", 99)).toBe(1);
    expect(lru.get("a", 100)).toBeUndefined();
    expect(lru.size).toBe(0);
    lru.set("b", 2, 50, 50);
    expect(lru.get("b", 10)).toBeUndefined();
  });

  it("drops the entries a predicate matches", () => {
    const lru = new ExpiringLru<string, { who: string }>(10);
    lru.set("s1", { who: "x" }, 100, 0);
    lru.set("s2", { who: "y" }, 100, 0);
    lru.set("s3", { who: "x" }, 100, 0);
    expect(lru.deleteWhere((v) => v.who === "x")).toBe(2);
    expect([lru.get("s1", 1), lru.get("s2", 1)?.who, lru.get("s3", 1)]).toEqual([undefined, "y", undefined]);
  });
});
