import { randomUUID } from "node:crypto";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { TimeZoneProvider } from "@/components/time/time-zone";
import { requireActor } from "@/server/auth/guard";
import { viewerTimeZone } from "@/server/auth/time-zone";
import { roleLabels, sectionsFor } from "@/server/core/roles";
import { signOutAction } from "./sign-out-action";

export const dynamic = "force-dynamic";

/**
 * Every portal page's frame. It needs only the signed-in person (the session cache has them) and
 * their time zone: the counts beside Inbox and Notifications are loaded by the browser
 * (components/shell/nav-counts.ts), so no page view waits for them or pays for them on the server.
 */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const [actor, time] = await Promise.all([requireActor(), viewerTimeZone()]);
  return (
    <TimeZoneProvider zone={time.zone} followsBrowser={time.source !== "profile"}>
      <AppShell
        person={{
          displayName: actor.displayName,
          email: actor.email,
          roles: actor.roles.map((r) => roleLabels[r]),
          timeZone: time.zone,
        }}
        sections={sectionsFor(actor.roles).map(({ key, label, href, group }) => ({ key, label, href, group }))}
        renderKey={randomUUID()}
        signOut={signOutAction}
      >
        {children}
      </AppShell>
    </TimeZoneProvider>
  );
}
