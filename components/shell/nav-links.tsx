"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { useNavCounts } from "./nav-counts";

export interface NavSection {
  key: string;
  label: string;
  href: string;
  group: string;
}

/**
 * The sections a person's roles open, grouped, with the waiting items beside Inbox and
 * Notifications (shown when above zero). `renderKey` changes each time the server renders the
 * layout, so the counts follow a router.refresh().
 */
export function NavLinks({ sections, renderKey }: { sections: NavSection[]; renderKey: string }) {
  const pathname = usePathname();
  const has = (key: string) => sections.some((s) => s.key === key);
  const counts = useNavCounts(renderKey, { inbox: has("inbox"), notifications: has("notifications") });
  const groups = [...new Set(sections.map((s) => s.group))];
  return (
    <nav aria-label="Sections" className="flex flex-col gap-5 px-3">
      {groups.map((group) => (
        <div key={group}>
          <p className="px-2 pb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{group}</p>
          <ul className="flex flex-col gap-0.5">
            {sections
              .filter((s) => s.group === group)
              .map((s) => {
                const active = pathname === s.href || pathname.startsWith(`${s.href}/`);
                const count = counts[s.key];
                return (
                  <li key={s.key}>
                    <Link
                      href={s.href}
                      aria-current={active ? "page" : undefined}
                      className={cn(
                        "flex items-center justify-between rounded-md px-2 py-1.5 text-sm font-medium",
                        active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100",
                      )}
                    >
                      {s.label}
                      {count ? (
                        <span
                          className="rounded-full bg-brand-600 px-1.5 py-0.5 text-xs leading-none font-semibold text-white"
                          aria-label={`${count} waiting`}
                        >
                          {count}
                        </span>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
