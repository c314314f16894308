"use client";

import dynamic from "next/dynamic";

/**
 * The code editor, loaded when a page shows it: CodeMirror stays out of the page's first script,
 * which the list beside the editor needs to become interactive.
 */
export const LazyCodeEditor = dynamic(() => import("./code-editor"), {
  ssr: false,
  loading: () => (
    <div
      role="status"
      className="flex h-[28rem] items-center justify-center rounded-md border border-slate-300 bg-slate-50 text-sm text-slate-600"
    >
      Loading the editor…
    </div>
  ),
});
