"use client";

import { Badge } from "@/components/ui/badge";

export interface Problem {
  severity: "error" | "warning";
  code: string;
  message: string;
  file: string;
  line: number;
}

/** Lint findings, each a button that jumps to its line when it is in the file being edited. */
export function ProblemsList({ problems, file, onGoTo }: { problems: Problem[]; file: string | null; onGoTo: (line: number) => void }) {
  if (problems.length === 0) return <p className="text-sm text-emerald-700">No problems found.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Problems">
      {problems.map((p, i) => {
        const here = p.file === file;
        return (
          <li key={`${p.file}:${p.line}:${p.code}:${i}`} className="flex items-start gap-2 py-1.5">
            <Badge tone={p.severity === "error" ? "red" : "amber"}>{p.severity}</Badge>
            {here ? (
              <button type="button" className="text-left hover:underline" onClick={() => onGoTo(p.line)}>
                <span className="font-mono text-xs text-slate-500">line {p.line}</span> {p.message}
              </button>
            ) : (
              <span>
                <span className="font-mono text-xs text-slate-500">
                  {p.file}:{p.line}
                </span>{" "}
                {p.message}
              </span>
            )}
            <span className="ml-auto shrink-0 font-mono text-xs text-slate-400">{p.code}</span>
          </li>
        );
      })}
    </ul>
  );
}
