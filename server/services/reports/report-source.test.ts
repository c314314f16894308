import { describe, expect, it } from "vitest";
import { keysetBatches } from "./report-source";

/** A table of `n` numbered rows, recording each read (its `after` key). */
function table(n: number) {
  const reads: (number | null)[] = [];
  const fetch = async (after: number | null, size: number) => {
    reads.push(after);
    const start = after ?? 0;
    return Array.from({ length: Math.max(0, Math.min(size, n - start)) }, (_, i) => ({ id: start + i + 1 }));
  };
  return {
    reads,
    batches: () =>
      keysetBatches(
        fetch,
        (r) => r.id,
        (r) => [r.id],
        3,
      ),
  };
}

describe("keysetBatches", () => {
  it("reads every row once, in key order, and stops after a short batch", async () => {
    const t = table(8);
    const seen: number[] = [];
    for await (const batch of t.batches()) seen.push(...batch.map((c) => c[0] as number));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.reads).toEqual([null, 3, 6]);
  });

  it("stops after an empty batch when the rows fill the last one exactly", async () => {
    const t = table(6);
    const seen: number[] = [];
    for await (const batch of t.batches()) seen.push(...batch.map((c) => c[0] as number));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.reads).toEqual([null, 3, 6]);
  });

  it("a reader that stops after the first batch causes no second read", async () => {
    const t = table(100);
    for await (const batch of t.batches()) {
      expect(batch).toHaveLength(3);
      break;
    }
    expect(t.reads).toEqual([null]);
  });

  it("from the second batch on, asks for the next one before the reader is done with this one", async () => {
    const t = table(100);
    const readsWhileHolding: number[] = [];
    let n = 0;
    for await (const batch of t.batches()) {
      readsWhileHolding.push(t.reads.length);
      expect(batch).toHaveLength(3);
      if (++n === 3) break;
    }
    // Batch 1: one read so far; batch 2: its own and the third's; batch 3: the fourth's too.
    expect(readsWhileHolding).toEqual([1, 3, 4]);
  });

  it("a failed read ahead that nobody awaits does not go unhandled, and one awaited is thrown", async () => {
    let calls = 0;
    const failing = async (after: number | null) => {
      calls++;
      if (calls >= 3) throw new Error("connection lost");
      return [{ id: (after ?? 0) + 1 }];
    };
    const early = keysetBatches(
      failing,
      (r) => r.id,
      (r) => [r.id],
      1,
    );
    await early.next();
    await early.next(); // starts the failing read ahead
    await early.return(undefined);
    calls = 0;
    const read = async () => {
      for await (const batch of keysetBatches(
        failing,
        (r) => r.id,
        (r) => [r.id],
        1,
      ))
        void batch;
    };
    await expect(read()).rejects.toThrow("connection lost");
  });
});
