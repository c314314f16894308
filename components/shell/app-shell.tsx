import type { ReactNode } from "react";
import { Logo } from "./logo";
import { MainLandmark } from "./main-landmark";
import { NavLinks, type NavSection } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

export function AppShell({
  person,
  sections,
  signOut,
  children,
}: {
  person: { displayName: string; email: string; roles: string[] };
  sections: NavSection[];
  signOut: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside
        aria-label="Sidebar"
        className="sticky top-0 flex h-screen w-60 shrink-0 flex-col overflow-y-auto border-r border-slate-200 bg-white"
      >
        <div className="flex items-center gap-2 px-5 py-5">
          <Logo size={28} />
          <span className="text-lg font-semibold tracking-tight">Clearance</span>
        </div>
        <NavLinks sections={sections} />
        <div className="mt-auto border-t border-slate-100 px-5 py-4">
          <p className="truncate text-sm font-medium text-slate-900" data-testid="signed-in-person">
            {person.displayName}
          </p>
          <p className="truncate text-xs text-slate-500">{person.email}</p>
          <p className="mt-1 text-xs text-slate-500">{person.roles.join(" · ")}</p>
          <SignOutButton signOut={signOut} />
        </div>
      </aside>
      <MainLandmark id="main" className="min-w-0 flex-1 px-8 py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </MainLandmark>
    </div>
  );
}
