"use client";

import "./globals.css";

/** Replaces the root layout when even it fails. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="font-sans">
        <main className="mx-auto flex min-h-screen max-w-lg flex-col items-center justify-center px-6 text-center">
          <h1 className="text-2xl font-semibold text-slate-900">Clearance is not available right now</h1>
          <p className="mt-3 text-sm text-slate-600">The server could not start this page. Try again in a moment.</p>
          {error.digest && <p className="mt-2 font-mono text-xs text-slate-500">Reference: {error.digest}</p>}
          <button
            type="button"
            onClick={reset}
            className="mt-6 rounded-md bg-blue-700 px-3 py-2 text-sm font-medium text-white"
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
