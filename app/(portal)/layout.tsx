import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { TimeZoneProvider } from "@/components/time/time-zone";
import { api } from "@/server/api/server";
import { requireActor } from "@/server/auth/guard";
import { viewerTimeZone } from "@/server/auth/time-zone";
import { roleLabels, sectionsFor } from "@/server/core/roles";
import { signOutAction } from "./sign-out-action";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const caller = await api();
  // The numbers beside Inbox and Notifications, fresh on every navigation.
  const [inbox, unread, time] = await Promise.all([
    caller.inbox.count(),
    caller.notifications.unreadCount(),
    viewerTimeZone(),
  ]);
  const counts: Record<string, number> = { inbox, notifications: unread };
  return (
    <TimeZoneProvider zone={time.zone} followsBrowser={time.source !== "profile"}>
      <AppShell
        person={{
          displayName: actor.displayName,
          email: actor.email,
          roles: actor.roles.map((r) => roleLabels[r]),
          timeZone: time.zone,
        }}
        sections={sectionsFor(actor.roles).map(({ key, label, href, group }) => ({
          key,
          label,
          href,
          group,
          count: counts[key],
        }))}
        signOut={signOutAction}
      >
        {children}
      </AppShell>
    </TimeZoneProvider>
  );
}
