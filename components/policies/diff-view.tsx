import { cn } from "@/components/ui/cn";

interface LineOp {
  op: "same" | "add" | "remove";
  text: string;
  oldLine: number | null;
  newLine: number | null;
}
interface Side {
  line: number | null;
  text: string;
  kind: "same" | "add" | "remove" | "empty";
}

/** Pairs removed lines with the added lines that replace them, for a side-by-side view. */
function sideBySide(ops: readonly LineOp[]): [Side, Side][] {
  const rows: [Side, Side][] = [];
  const empty: Side = { line: null, text: "", kind: "empty" };
  for (let i = 0; i < ops.length;) {
    const op = ops[i]!;
    if (op.op === "same") {
      rows.push([
        { line: op.oldLine, text: op.text, kind: "same" },
        { line: op.newLine, text: op.text, kind: "same" },
      ]);
      i++;
      continue;
    }
    const removed: LineOp[] = [];
    const added: LineOp[] = [];
    while (i < ops.length && ops[i]!.op !== "same") (ops[i]!.op === "remove" ? removed : added).push(ops[i++]!);
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const r = removed[k];
      const a = added[k];
      rows.push([
        r ? { line: r.oldLine, text: r.text, kind: "remove" } : empty,
        a ? { line: a.newLine, text: a.text, kind: "add" } : empty,
      ]);
    }
  }
  return rows;
}

const tone = {
  same: "",
  add: "bg-emerald-50 text-emerald-900",
  remove: "bg-red-50 text-red-900",
  empty: "bg-slate-50",
};

export function DiffView({
  path,
  change,
  lines,
  leftLabel,
  rightLabel,
  open = true,
}: {
  path: string;
  change: "added" | "removed" | "changed";
  lines: LineOp[];
  leftLabel: string;
  rightLabel: string;
  /** start expanded (collapsed is kept for long lists of whole added files) */
  open?: boolean;
}) {
  return (
    <details
      open={open}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
      aria-label={`Changes to ${path}`}
    >
      <summary className="flex cursor-pointer items-center justify-between border-b border-slate-200 bg-slate-50 px-4 py-2 text-sm">
        <span className="font-mono font-medium">{path}</span>
        <span className="text-xs tracking-wide text-slate-500 uppercase">
          {change} · {lines.filter((l) => l.op === "add").length} added, {lines.filter((l) => l.op === "remove").length}{" "}
          removed
        </span>
      </summary>
      <div className="grid grid-cols-2 border-b border-slate-100 text-xs font-medium text-slate-500">
        <div className="px-3 py-1">{leftLabel}</div>
        <div className="border-l border-slate-100 px-3 py-1">{rightLabel}</div>
      </div>
      <table className="w-full table-fixed font-mono text-[12px] leading-5">
        <tbody>
          {sideBySide(lines).map(([l, r], i) => (
            <tr key={i}>
              {[l, r].map((s, j) => (
                <td
                  key={j}
                  className={cn(
                    "align-top break-all whitespace-pre-wrap",
                    j === 1 && "border-l border-slate-100",
                    tone[s.kind],
                  )}
                >
                  <span className="inline-block w-9 pr-2 text-right text-slate-500 select-none">{s.line ?? ""}</span>
                  <span aria-label={s.kind === "add" ? "added" : s.kind === "remove" ? "removed" : undefined}>
                    {s.text}
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
