import { describe, expect, it } from "vitest";
import type { DbOrTx } from "./client";
import { filterShapes, sharedWhileRunning, statementCache } from "./statements";

const handle = () => ({}) as DbOrTx;

describe("statementCache", () => {
  it("builds a statement once per handle and shape, and keeps at most the bound of shapes", () => {
    const built: string[] = [];
    const statement = statementCache((_db, shape: string) => {
      built.push(shape);
      return { shape };
    }, 2);
    const [a, b] = [handle(), handle()];
    expect(statement(a, "x")).toBe(statement(a, "x"));
    expect(statement(b, "x")).not.toBe(statement(a, "x"));
    statement(a, "y");
    expect(built).toEqual(["x", "x", "y"]);
    statement(a, "z"); // a third shape on a: the two kept are dropped
    statement(a, "x");
    expect(built).toEqual(["x", "x", "y", "z", "x"]);
  });
});

describe("sharedWhileRunning", () => {
  it("shares a read among callers of the same key while it runs, and reads anew after it settles", async () => {
    let reads = 0;
    const release: (() => void)[] = [];
    const read = sharedWhileRunning(async (_db, key: string) => {
      reads++;
      await new Promise<void>((r) => release.push(r));
      return `${key}#${reads}`;
    });
    const db = handle();
    const first = [read(db, "k"), read(db, "k"), read(handle(), "k"), read(db, "other")];
    expect(reads).toBe(3);
    release.splice(0).forEach((r) => r());
    // three reads ran (two callers of "k" on db shared one); each answers with the count when it ended
    expect(await Promise.all(first)).toEqual(["k#3", "k#3", "k#3", "other#3"]);
    const again = read(db, "k");
    expect(reads).toBe(4);
    release.splice(0).forEach((r) => r());
    expect(await again).toBe("k#4");
  });

  it("a failed read fails every caller that shared it, and the next call reads again", async () => {
    let reads = 0;
    const read = sharedWhileRunning(async () => {
      reads++;
      throw new Error(`read ${reads} failed`);
    });
    const db = handle();
    const both = await Promise.allSettled([read(db, 1), read(db, 1)]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(read(db, 1)).rejects.toThrow("read 2 failed");
  });
});

describe("filterShapes", () => {
  const shapes = filterShapes(["status", "search", "cursor"] as const);

  it("keys a call by the filters it uses, in their order; null, undefined and an empty text are unused", () => {
    expect(shapes.keyOf({ status: "pending", search: "", cursor: null })).toBe("100");
    expect(shapes.keyOf({ status: undefined, search: "sarah", cursor: { at: 1 } })).toBe("011");
    expect(shapes.keyOf({ status: 0, search: false, cursor: null })).toBe("110");
  });

  it("reads back which filters a key uses", () => {
    expect(["status", "search", "cursor"].filter((f) => shapes.uses("011", f as "status"))).toEqual([
      "search",
      "cursor",
    ]);
  });
});
