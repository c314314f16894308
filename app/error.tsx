"use client";

import { buttonClasses } from "@/components/ui/button";
import { StandaloneMain } from "@/components/shell/main-landmark";

/** Shown when a page fails on the server; the details are in the server log, not here. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <StandaloneMain className="mx-auto flex min-h-[70vh] max-w-lg flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold tracking-wide text-red-600">Something went wrong</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">This page could not be shown</h1>
      <p className="mt-3 text-sm text-slate-600">
        The server could not finish the request. Try again; if it keeps happening, tell IT and give them the reference
        below.
      </p>
      {error.digest && <p className="mt-2 font-mono text-xs text-slate-500">Reference: {error.digest}</p>}
      <button type="button" onClick={reset} className={buttonClasses("primary", "mt-6")}>
        Try again
      </button>
    </StandaloneMain>
  );
}
