import type { Diagnostic } from "@codemirror/lint";
import type { Text } from "@codemirror/state";

/** A lint finding as the server reports it: a line, and the field it is about (`when[0].departmnet`). */
export interface LineProblem {
  severity: "error" | "warning";
  code: string;
  message: string;
  line: number;
  field?: string;
}

/**
 * Lint findings as editor diagnostics. Lint names a line and a field, not a column: underline the
 * field's `key: value` on that line when it is written there (the misspelt attribute, the system that
 * does not exist), else the line's text after its indentation.
 */
export function toDiagnostics(doc: Text, problems: readonly LineProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const line = doc.line(Math.min(Math.max(1, p.line), doc.lines));
    const key = p.field
      ?.split(".")
      .at(-1)
      ?.replace(/\[\d+\]$/, "");
    const keyAt = key ? line.text.search(new RegExp(`(^|[\\s{,-])${escape(key)}\\s*:`)) : -1;
    const indent = /^[\s-]*/.exec(line.text)![0].length;
    const from = keyAt >= 0 ? keyAt + (/^[\s{,-]/.test(line.text[keyAt]!) ? 1 : 0) : indent;
    // To the end of the value: the line's end, or a comment's start.
    const to = line.text.replace(/\s+#.*$/, "").trimEnd().length;
    return {
      from: line.from + Math.min(from, line.length),
      to: line.from + Math.max(to, Math.min(from, line.length)),
      severity: p.severity,
      source: p.code,
      message: p.message,
    };
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
