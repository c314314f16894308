"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";

const TimeZoneContext = createContext("UTC");

/** The zone client components show times in: the one the server chose, so server and browser render the same text. */
export const useTimeZone = () => useContext(TimeZoneContext);

/**
 * Provides the viewer's zone and tells the server the browser's own (a `tz` cookie), refreshing
 * once when it differs from what this page was rendered with and no profile choice overrides it.
 */
export function TimeZoneProvider({
  zone,
  followsBrowser,
  children,
}: {
  zone: string;
  followsBrowser: boolean;
  children: ReactNode;
}) {
  const router = useRouter();
  useEffect(() => {
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!browser) return;
    const sent = document.cookie
      .split("; ")
      .find((c) => c.startsWith("tz="))
      ?.slice(3);
    if (sent === encodeURIComponent(browser)) return;
    document.cookie = `tz=${encodeURIComponent(browser)}; path=/; max-age=31536000; samesite=lax`;
    if (followsBrowser && browser !== zone) router.refresh();
  }, [zone, followsBrowser, router]);
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}
