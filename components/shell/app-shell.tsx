import Link from "next/link";
import type { ReactNode } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { Logo } from "./logo";
import { MainLandmark } from "./main-landmark";
import { MobileMenu } from "./mobile-menu";
import { NavLinks, type NavSection } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

type Person = { displayName: string; email: string; roles: string[]; timeZone: string };

function SignedIn({
  person,
  unavailable,
  signOut,
}: {
  person: Person | null;
  unavailable: boolean;
  signOut: () => Promise<void>;
}) {
  if (!person && unavailable)
    return (
      <div className="mt-auto border-t border-slate-100 px-5 py-4">
        <p className="text-xs text-slate-500">Your details could not be loaded.</p>
        <SignOutButton signOut={signOut} />
      </div>
    );
  // A frame rendered in the browser (components/shell/browser-frame.tsx) knows the person a moment later.
  if (!person)
    return (
      <div role="status" aria-label="Loading who is signed in" className="mt-auto border-t border-slate-100 px-5 py-4">
        <Skeleton className="h-4 w-32" />
        <Skeleton className="mt-2 h-3 w-40" />
        <Skeleton className="mt-2 h-3 w-24" />
      </div>
    );
  return (
    <div className="mt-auto border-t border-slate-100 px-5 py-4">
      <p className="truncate text-sm font-medium text-slate-900" data-testid="signed-in-person">
        {person.displayName}
      </p>
      <p className="truncate text-xs text-slate-500">{person.email}</p>
      <p className="mt-1 text-xs text-slate-500">{person.roles.join(" · ")}</p>
      <Link
        href="/profile"
        className="mt-1 block truncate text-xs text-slate-500 underline"
        title="Change your time zone"
      >
        Times in {person.timeZone}
      </Link>
      <SignOutButton signOut={signOut} />
    </div>
  );
}

function Navigation({
  person,
  unavailable,
  sections,
  renderKey,
}: {
  person: Person | null;
  unavailable: boolean;
  sections: NavSection[];
  renderKey: string;
}) {
  if (person || unavailable) return <NavLinks sections={sections} renderKey={renderKey} />;
  return (
    <div role="status" aria-label="Loading the sections" className="flex flex-col gap-3 px-5">
      {["w-20", "w-28", "w-24", "w-32"].map((width) => (
        <Skeleton key={width} className={`h-4 ${width}`} />
      ))}
    </div>
  );
}

function Brand() {
  return (
    <div className="flex items-center gap-2">
      <Logo size={28} />
      <span className="text-lg font-semibold tracking-tight">Clearance</span>
    </div>
  );
}

/**
 * From `md` up: a sidebar as tall as the page (its column stretches; the inner part sticks to
 * the viewport). Below `md`: a top bar whose Menu button opens the same navigation.
 */
export function AppShell({
  person,
  unavailable = false,
  sections,
  renderKey,
  signOut,
  children,
}: {
  /** null while a frame rendered in the browser loads them */
  person: Person | null;
  /** the browser-rendered frame could not load them: the given sections and Sign out still work */
  unavailable?: boolean;
  sections: NavSection[];
  /** changes with each server render of the layout: the navigation's counts are fetched again */
  renderKey: string;
  signOut: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-30 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-20 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2.5 md:hidden">
        <Brand />
        <MobileMenu>
          <Navigation person={person} unavailable={unavailable} sections={sections} renderKey={renderKey} />
          <SignedIn person={person} unavailable={unavailable} signOut={signOut} />
        </MobileMenu>
      </header>
      <div className="hidden w-60 shrink-0 border-r border-slate-200 bg-white md:block">
        <aside aria-label="Sidebar" className="sticky top-0 flex h-screen flex-col overflow-y-auto">
          <div className="px-5 py-5">
            <Brand />
          </div>
          <Navigation person={person} unavailable={unavailable} sections={sections} renderKey={renderKey} />
          <SignedIn person={person} unavailable={unavailable} signOut={signOut} />
        </aside>
      </div>
      <MainLandmark id="main" className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </MainLandmark>
    </div>
  );
}
