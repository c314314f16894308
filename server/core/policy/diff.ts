import type { PolicyFile } from "./policy-set";

export type LineOp = { op: "same" | "add" | "remove"; text: string; oldLine: number | null; newLine: number | null };

/** A line diff (longest common subsequence), enough for policy files of a few hundred lines. */
export function diffLines(before: string, after: string): LineOp[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.at(-1) === "") a.pop();
  if (b.at(-1) === "") b.pop();
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: "same", text: a[i]!, oldLine: ++i, newLine: ++j });
    else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!))
      ops.push({ op: "add", text: b[j]!, oldLine: null, newLine: ++j });
    else ops.push({ op: "remove", text: a[i]!, oldLine: ++i, newLine: null });
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
