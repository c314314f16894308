import { describe, expect, it } from "vitest";
import { CombinationMemo, comboHash } from "./memo";

const ints = (...xs: number[]) => Int32Array.from(xs);

/** Remembers allow/deny → result, as resolveMatched does. */
function remember(memo: CombinationMemo, allow: Int32Array, deny: Int32Array, result: Int32Array) {
  memo.add(
    comboHash(allow, 0, allow.length, deny, 0, deny.length),
    allow,
    0,
    allow.length,
    deny,
    0,
    deny.length,
    result,
    result.length,
  );
}
function recall(memo: CombinationMemo, allow: Int32Array, deny: Int32Array): number[] | null {
  const e = memo.find(
    comboHash(allow, 0, allow.length, deny, 0, deny.length),
    allow,
    0,
    allow.length,
    deny,
    0,
    deny.length,
  );
  if (e < 0) return null;
  const into = new Int32Array(64);
  return [...into.subarray(0, memo.copyResult(e, into))];
}

describe("the memo of resolved combinations", () => {
  it("finds a combination by its allow and deny policies, not by either alone", () => {
    const memo = new CombinationMemo();
    remember(memo, ints(1, 2, 3), ints(), ints(10, 11));
    remember(memo, ints(1, 2), ints(3), ints(10));
    remember(memo, ints(), ints(), ints());
    expect(recall(memo, ints(1, 2, 3), ints())).toEqual([10, 11]);
    expect(recall(memo, ints(1, 2), ints(3))).toEqual([10]);
    expect(recall(memo, ints(), ints())).toEqual([]);
    expect(recall(memo, ints(1, 2), ints())).toBeNull();
    expect(recall(memo, ints(3), ints(1, 2))).toBeNull();
  });

  it("tells apart combinations whose hashes collide, and keeps results that open a new chunk", () => {
    const memo = new CombinationMemo();
    const h = 12345;
    const add = (allow: Int32Array, result: Int32Array) =>
      memo.add(h, allow, 0, allow.length, ints(), 0, 0, result, result.length);
    const find = (allow: Int32Array) => {
      const e = memo.find(h, allow, 0, allow.length, ints(), 0, 0);
      if (e < 0) return null;
      const into = new Int32Array(1 << 20);
      return into.subarray(0, memo.copyResult(e, into));
    };
    add(ints(1), ints(10));
    add(ints(2), ints(20));
    // nearly a whole chunk (1M ints) for one result: the next one must go to a new chunk
    const big = new Int32Array((1 << 20) - 100).map((_, i) => i);
    add(ints(3), big);
    add(ints(4), ints(40, 41));
    expect([...find(ints(1))!]).toEqual([10]);
    expect([...find(ints(2))!]).toEqual([20]);
    expect(find(ints(3))!.length).toBe(big.length);
    expect(find(ints(3))![big.length - 1]).toBe(big.length - 1);
    expect([...find(ints(4))!]).toEqual([40, 41]);
    expect(find(ints(5))).toBeNull();
  });

  it("finds ranges inside larger arrays, as the population's packed lists give them", () => {
    const memo = new CombinationMemo();
    remember(memo, ints(4, 5), ints(6), ints(7, 8, 9));
    const allow = ints(0, 4, 5, 0);
    const deny = ints(9, 6);
    const e = memo.find(comboHash(allow, 1, 3, deny, 1, 2), allow, 1, 3, deny, 1, 2);
    expect(e).toBeGreaterThanOrEqual(0);
  });

  it("keeps thousands of entries through its growth, and starts again from empty at its limit", () => {
    const memo = new CombinationMemo({ entries: 5000, ints: 1 << 20 });
    for (let i = 0; i < 5000; i++) remember(memo, ints(i, i + 1), ints(), ints(i));
    expect(memo.size).toBe(5000);
    expect(recall(memo, ints(4321, 4322), ints())).toEqual([4321]);
    remember(memo, ints(-1), ints(), ints(99));
    expect(memo.size).toBe(1);
    expect(recall(memo, ints(4321, 4322), ints())).toBeNull();
    expect(recall(memo, ints(-1), ints())).toEqual([99]);
  });

  it("stops taking new combinations when too few lookups hit", () => {
    const memo = new CombinationMemo();
    // 5,000 distinct combinations, each looked up once before it is added: no hits at all.
    for (let i = 0; i < 5000; i++) {
      expect(recall(memo, ints(i), ints())).toBeNull();
      remember(memo, ints(i), ints(), ints(i));
    }
    expect(memo.worthwhile).toBe(false);
    expect(memo.size).toBeLessThan(5000);
    expect(memo.size).toBeGreaterThan(4000); // judged after 4,096 lookups
    // What it holds is still found.
    expect(recall(memo, ints(7), ints())).toEqual([7]);
  });
});
