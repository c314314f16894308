import { diffArrays } from "diff";
import type { PolicyFile } from "./policy-set";

export type LineOp = { op: "same" | "add" | "remove"; text: string; oldLine: number | null; newLine: number | null };

/**
 * How far the exact diff searches. Myers' algorithm costs about (lines) × (edits), so the edits it looks
 * for (among the lines both files share) are bounded by both a number and this product: two files of
 * 200,000 characters (the most the API takes) diff in under 200 ms however they differ (`npm run bench:diff`).
 * Past the bound (many shared lines moved about), the files are shown as their common start and end around
 * one removed and one added block: still a correct diff, only not the shortest.
 */
export const MAX_DIFF_EDITS = 500;
const MAX_DIFF_WORK = 6_000_000;

/** The edits to search for between files of these many shared lines. */
export const diffEditBound = (sharedLines: number): number =>
  Math.max(1, Math.min(MAX_DIFF_EDITS, Math.floor(MAX_DIFF_WORK / Math.max(1, sharedLines))));

const linesOf = (source: string): string[] => {
  const lines = source.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
};

/** Pairs of line indexes (before, after) that stay, in order. */
function keptPairs(a: string[], b: string[]): [number, number][] {
  // A line found in one file only is an edit in any diff, so Myers only needs the shared lines:
  // that makes a typical edit (new or rewritten lines) cost next to nothing however many there are.
  const inA = new Set(a);
  const inB = new Set(b);
  const sharedA = a.flatMap((line, i) => (inB.has(line) ? [i] : []));
  const sharedB = b.flatMap((line, j) => (inA.has(line) ? [j] : []));
  const changes = diffArrays(
    sharedA.map((i) => a[i]!),
    sharedB.map((j) => b[j]!),
    { maxEditLength: diffEditBound(sharedA.length + sharedB.length) },
  );
  const pairs: [number, number][] = [];
  if (changes) {
    let x = 0;
    let y = 0;
    for (const change of changes) {
      if (change.added) y += change.count;
      else if (change.removed) x += change.count;
      else for (let k = 0; k < change.count; k++) pairs.push([sharedA[x++]!, sharedB[y++]!]);
    }
    return pairs;
  }
  // Too many moves to search: keep the common start and end.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) pairs.push([start, start++]);
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  for (let k = end; k > 0; k--) pairs.push([a.length - k, b.length - k]);
  return pairs;
}

/** A line diff (Myers, via jsdiff), removed lines before the added ones that replace them. */
export function diffLines(before: string, after: string): LineOp[] {
  const a = linesOf(before);
  const b = linesOf(after);
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  for (const [x, y] of [...keptPairs(a, b), [a.length, b.length] as const]) {
    while (i < x) ops.push({ op: "remove", text: a[i]!, oldLine: ++i, newLine: null });
    while (j < y) ops.push({ op: "add", text: b[j]!, oldLine: null, newLine: ++j });
    if (i < a.length && j < b.length) ops.push({ op: "same", text: a[i]!, oldLine: ++i, newLine: ++j });
  }
  return ops;
}

export interface FileChange {
  path: string;
  change: "added" | "removed" | "changed";
  lines: LineOp[];
}

/** What changed between two versions of a policy set, file by file (unchanged files are left out). */
export function diffPolicySets(before: readonly PolicyFile[], after: readonly PolicyFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f.source]));
  const now = new Map(after.map((f) => [f.path, f.source]));
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    const o = old.get(path);
    const n = now.get(path);
    if (o === n) continue;
    changes.push({
      path,
      change: o === undefined ? "added" : n === undefined ? "removed" : "changed",
      lines: diffLines(o ?? "", n ?? ""),
    });
  }
  return changes;
}
