"use client";

import { forwardRef, useImperativeHandle, useRef } from "react";
import { cn } from "@/components/ui/cn";

export interface YamlEditorHandle {
  goToLine: (line: number) => void;
}

/**
 * A plain-text YAML editor with line numbers; lines with problems are marked in the gutter.
 * Tab inserts two spaces (YAML indents with spaces).
 */
export const YamlEditor = forwardRef<YamlEditorHandle, {
  value: string;
  onChange: (value: string) => void;
  marks: Map<number, "error" | "warning">;
  label: string;
}>(function YamlEditor({ value, onChange, marks, label }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split("\n").length;

  useImperativeHandle(ref, () => ({
    goToLine(line: number) {
      const t = area.current;
      if (!t) return;
      const offset = value.split("\n").slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      t.focus();
      t.setSelectionRange(offset, offset);
      t.scrollTop = Math.max(0, (line - 5) * 20);
    },
  }));

  return (
    <div className="flex overflow-hidden rounded-md border border-slate-300 bg-white font-mono text-[13px] leading-5 focus-within:ring-2 focus-within:ring-brand-500">
      <div ref={gutter} aria-hidden className="h-[28rem] select-none overflow-hidden border-r border-slate-200 bg-slate-50 py-2 text-right text-slate-500">
        {Array.from({ length: lines }, (_, i) => {
          const mark = marks.get(i + 1);
          return (
            <div key={i} className={cn("px-2", mark === "error" && "bg-red-100 text-red-700", mark === "warning" && "bg-amber-100 text-amber-800")}>
              {i + 1}
            </div>
          );
        })}
      </div>
      <textarea
        ref={area}
        aria-label={label}
        value={value}
        spellCheck={false}
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onKeyDown={(e) => {
          if (e.key !== "Tab" || e.shiftKey) return;
          e.preventDefault();
          const t = e.currentTarget;
          const { selectionStart: s, selectionEnd: end } = t;
          onChange(`${value.slice(0, s)}  ${value.slice(end)}`);
          requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
        }}
        className="h-[28rem] flex-1 resize-none overflow-auto whitespace-pre bg-transparent px-3 py-2 outline-none"
      />
    </div>
  );
});
