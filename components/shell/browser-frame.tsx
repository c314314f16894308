"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { trpcErrorOf } from "@/components/providers/trpc-error";
import { TimeZoneProvider } from "@/components/time/time-zone";
import { Alert } from "@/components/ui/alert";
import { roleLabels } from "@/server/core/roles";
import { AppShell } from "./app-shell";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || null;

/**
 * A link followed from a prerendered page loads its page as a new document. The document keeps the
 * policy it was loaded with, and a prerendered page's policy has hashes and no nonce: the code
 * editor's styles, which carry the document's nonce, would be refused after a client-side navigation.
 * Links within the page (the skip link) and new tabs behave as usual.
 */
function useFullLoadsOutOfHere() {
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      if (event.altKey) return;
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (
        !(link instanceof HTMLAnchorElement) ||
        (link.target && link.target !== "_self") ||
        link.hasAttribute("download")
      )
        return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin) return;
      if (to.pathname === window.location.pathname && to.search === window.location.search) return;
      // Before Next.js's own handler (this listens in the capture phase), which then sees it handled.
      event.preventDefault();
      window.location.assign(to.href);
    };
    document.addEventListener("click", onClick, true);
    return () => document.removeEventListener("click", onClick, true);
  }, []);
}

/**
 * The portal's frame for pages prerendered at build time (issue 14: the page every employee lands
 * on costs no render per view): the same frame as app/(portal)/layout.tsx, with the signed-in person,
 * their sections and zone from `me.profile` (the query the page's own batch asks anyway) instead of
 * the server's render. A session that is no longer accepted goes back to sign-in, as a server-rendered
 * page would send it.
 */
export function BrowserFrame({ signOut, children }: { signOut: () => Promise<void>; children: ReactNode }) {
  const trpc = useTRPC();
  useFullLoadsOutOfHere();
  const profile = useQuery(trpc.me.profile.queryOptions());
  const { code } = trpcErrorOf(profile.error);

  useEffect(() => {
    if (code !== "UNAUTHORIZED") return;
    const back = `${window.location.pathname}${window.location.search}`;
    window.location.replace(`/signin?callbackUrl=${encodeURIComponent(back)}&ended=1`);
  }, [code]);

  const data = profile.data;
  // The data exists only in the browser (never in the prerendered HTML), so its own zone can be asked.
  const zone = data ? (data.timeZone.preferred ?? browserZone() ?? data.timeZone.organization) : "UTC";
  const person = data
    ? { displayName: data.displayName, email: data.email, roles: data.roles.map((r) => roleLabels[r]), timeZone: zone }
    : null;
  const unavailable = profile.isError && code !== "UNAUTHORIZED";
  // Without the profile, the page the person is on is still one they may open (the call said so or failed).
  const sections = data
    ? data.sections.map(({ key, label, href, group }) => ({ key, label, href, group }))
    : unavailable
      ? [{ key: "my-access", label: "My access", href: "/access", group: "Me" }]
      : [];

  let content = children;
  if (code === "FORBIDDEN")
    content = (
      <Alert title="This section is not part of your role">Ask an IT admin if you need it for your work.</Alert>
    );
  else if (unavailable)
    content = (
      <Alert title="Your details could not be loaded">{profile.error.message} Reload the page to try again.</Alert>
    );

  return (
    <TimeZoneProvider zone={zone} followsBrowser={false}>
      <AppShell person={person} unavailable={unavailable} sections={sections} renderKey="browser" signOut={signOut}>
        {content}
      </AppShell>
    </TimeZoneProvider>
  );
}
