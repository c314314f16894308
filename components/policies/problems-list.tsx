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
export function ProblemsList({
  problems,
  file,
  onGoTo,
}: {
  problems: Problem[];
  file: string | null;
  onGoTo: (line: number) => void;
}) {
  const here = problems.filter((p) => p.file === file);
  const elsewhere = problems.filter((p) => p.file !== file);
  return (
    <>
      {here.length === 0 ? (
        <p className="text-sm text-emerald-700">No problems in this file.</p>
      ) : (
        <Problems problems={here} file={file} onGoTo={onGoTo} label="Problems" />
      )}
      {elsewhere.length > 0 && (
        <details className="mt-3 text-sm" open={elsewhere.some((p) => p.severity === "error")}>
          <summary className="cursor-pointer text-slate-600">
            {elsewhere.length} in other files
            {elsewhere.some((p) => p.severity === "error") ? " (errors there block a save too)" : ""}
          </summary>
          <Problems problems={elsewhere} file={file} onGoTo={onGoTo} label="Problems in other files" />
        </details>
      )}
    </>
  );
}

function Problems({
  problems,
  file,
  onGoTo,
  label,
}: {
  problems: Problem[];
  file: string | null;
  onGoTo: (line: number) => void;
  label: string;
}) {
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label={label}>
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
            <span className="ml-auto shrink-0 font-mono text-xs text-slate-500">{p.code}</span>
          </li>
        );
      })}
    </ul>
  );
}
