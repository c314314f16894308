"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const tabs = [
  { href: "/policies", label: "Policies", exact: true },
  { href: "/policies/versions", label: "Versions" },
  { href: "/policies/graph", label: "Graph & coverage" },
  { href: "/policies/explain", label: "Explain" },
  { href: "/policies/what-if", label: "What if" },
  { href: "/policies/migration", label: "Migration" },
];

export function PolicyTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Policy tools" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {tabs.map((t) => {
        const active = t.exact
          ? pathname === t.href || pathname.startsWith("/policies/edit")
          : pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
