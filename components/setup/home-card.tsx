import Link from "next/link";
import { ProgressBar } from "./checklist";
import { SetupDismissButton } from "./dismiss-button";

/** The compact reminder on IT's home (the work queue) until the checklist is dismissed or all done. */
export function SetupHomeCard({ done, total, next }: { done: number; total: number; next: string | null }) {
  return (
    <section
      aria-labelledby="setup-card-title"
      className="mb-6 flex flex-wrap items-center justify-between gap-4 rounded-lg border border-brand-100 bg-brand-50 px-5 py-4"
    >
      <div className="min-w-0 flex-1">
        <h2 id="setup-card-title" className="text-base font-semibold text-slate-900">
          Setup: {done} of {total} done
        </h2>
        {next && <p className="mt-1 text-sm text-slate-700">Next: {next}.</p>}
        <div className="mt-2">
          <ProgressBar done={done} total={total} />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Link
          href="/setup"
          className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          Continue setup →
        </Link>
        <SetupDismissButton dismissed={false} />
      </div>
    </section>
  );
}
