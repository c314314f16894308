import { describe, expect, it } from "vitest";
import { diffLines, MAX_DIFF_EDITS, type LineOp } from "./diff";

/** A policy-like file of `lines` lines, about 25 characters each (8,000 lines ≈ the API's 200,000 characters). */
const policyLines = (lines: number, line: (i: number) => string = (i) => `  - attribute-${i}: value-${i * 7}`) =>
  Array.from({ length: lines }, (_, i) => line(i));
const text = (lines: string[]) => `${lines.join("\n")}\n`;

/** Both files read back from the diff, with every line numbered in order. */
function sides(ops: LineOp[]) {
  const before = ops.filter((o) => o.op !== "add");
  const after = ops.filter((o) => o.op !== "remove");
  expect(before.map((o) => o.oldLine)).toEqual(before.map((_, i) => i + 1));
  expect(after.map((o) => o.newLine)).toEqual(after.map((_, i) => i + 1));
  expect(ops.filter((o) => o.op === "add").every((o) => o.oldLine === null)).toBe(true);
  expect(ops.filter((o) => o.op === "remove").every((o) => o.newLine === null)).toBe(true);
  return { before: before.map((o) => o.text), after: after.map((o) => o.text) };
}

const edits = (ops: LineOp[]) => ops.filter((o) => o.op !== "same");

describe("diffLines on large files", () => {
  it("finds exactly the changed lines of two 8,000-line files", () => {
    const old = policyLines(8000);
    const now = old.map((line, i) => (i % 100 === 50 ? `  - renamed-${i}: changed` : line));
    now.splice(4000, 0, "  # a block added in the middle", "  - added: true");
    now.splice(7000, 25); // 25 lines removed near the end
    expect(text(old).length).toBeGreaterThan(190_000);

    const ops = diffLines(text(old), text(now));

    expect(sides(ops)).toEqual({ before: old, after: now });
    // Every line is unique, so the shortest diff removes exactly the lines gone and adds exactly the new ones.
    const inOld = new Set(old);
    const inNew = new Set(now);
    expect(ops.filter((o) => o.op === "remove").map((o) => o.text)).toEqual(old.filter((line) => !inNew.has(line)));
    expect(ops.filter((o) => o.op === "add").map((o) => o.text)).toEqual(now.filter((line) => !inOld.has(line)));
    expect(edits(ops)).toHaveLength(80 + 25 + 80 + 2);
  });

  it("gives two entirely different large files as one removed and one added block, around their common start and end", () => {
    const old = ["policy: finance", ...policyLines(8000, (i) => `  - old-${i}: a`), "end: true"];
    const now = ["policy: finance", ...policyLines(8000, (i) => `  - new-${i}: b`), "end: true"];

    const ops = diffLines(text(old), text(now));

    expect(sides(ops)).toEqual({ before: old, after: now });
    expect(ops.map((o) => o.op)).toEqual([
      "same",
      ...Array<string>(8000).fill("remove"),
      ...Array<string>(8000).fill("add"),
      "same",
    ]);
  });

  it("is exact up to the bound of moved lines and falls back only past it", () => {
    const old = policyLines(4000);
    // Moving a block is the costly case: its lines are in both files, only elsewhere.
    const block = MAX_DIFF_EDITS / 2 - 10;
    const moved = [...old.slice(0, 1000), ...old.slice(1000 + block), ...old.slice(1000, 1000 + block)];
    const exact = diffLines(text(old), text(moved));
    expect(sides(exact)).toEqual({ before: old, after: moved });
    expect(edits(exact)).toHaveLength(2 * block);

    const reversed = old.toReversed();
    const coarse = diffLines(text(old), text(reversed));
    expect(sides(coarse)).toEqual({ before: old, after: reversed });
    // The first and last lines differ, so nothing is common around the one replaced block.
    expect(coarse.map((o) => o.op)).toEqual([
      ...Array<string>(4000).fill("remove"),
      ...Array<string>(4000).fill("add"),
    ]);
  });

  it("treats a missing newline at the end as the same last line", () => {
    expect(diffLines("a\nb", "a\nb\n").map((o) => o.op)).toEqual(["same", "same"]);
  });
});
