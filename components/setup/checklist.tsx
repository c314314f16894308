import Link from "next/link";
import type { SetupItem } from "@/server/core/setup/checklist";
import { Badge } from "@/components/ui/badge";

/** A filled check when done, an empty ring when not; the words beside it say the same. */
function StatusIcon({ done }: { done: boolean }) {
  return done ? (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="h-6 w-6 shrink-0 text-emerald-600">
      <circle cx="10" cy="10" r="9" fill="currentColor" />
      <path d="M6 10.5l2.5 2.5L14 7.5" fill="none" stroke="white" strokeWidth="2" strokeLinecap="round" />
    </svg>
  ) : (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="h-6 w-6 shrink-0 text-slate-400">
      <circle cx="10" cy="10" r="8.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeDasharray="3 2" />
    </svg>
  );
}

/** A bar for how far along; only decoration: the words beside it ("5 of 8 done") carry it. */
export function ProgressBar({ done, total }: { done: number; total: number }) {
  return (
    // SVG attributes, not a style attribute: the Content Security Policy allows no inline styles.
    <svg aria-hidden="true" viewBox="0 0 100 8" preserveAspectRatio="none" className="block h-2 w-full max-w-xs">
      <rect width="100" height="8" rx="4" className="fill-slate-200" />
      <rect width={(done / total) * 100} height="8" rx="4" className="fill-emerald-600" />
    </svg>
  );
}

/** Each item a row: its state in an icon and in words, what is there or what to do, and where. */
export function SetupChecklist({ items }: { items: SetupItem[] }) {
  return (
    <ol aria-label="Setup checklist" className="divide-y divide-slate-100">
      {items.map((item) => (
        <li key={item.key} aria-label={item.title} className="flex gap-4 py-4 first:pt-0 last:pb-0">
          <StatusIcon done={item.done} />
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <h3 className="text-sm font-semibold text-slate-900">{item.title}</h3>
              <Badge tone={item.done ? "green" : "amber"}>{item.done ? "Done" : "To do"}</Badge>
            </div>
            <p className="mt-1 text-sm text-slate-700">{item.detail}</p>
          </div>
          <div className="flex shrink-0 flex-col items-end gap-1 text-sm">
            {item.links.map((l) => (
              <Link key={l.href} href={l.href} className="text-brand-700 underline hover:text-brand-900">
                {l.label}
              </Link>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}
