import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { canonicalTimeZone } from "@/server/core/time";
import { getDb } from "@/server/db/client";
import { organizationTimeZone, viewerZones } from "@/server/services/time-zones";
import { getCurrentActor } from "./actor";

/** The cookie the browser's zone arrives in (components/time/browser-time-zone.tsx sets it). */
export const BROWSER_TIME_ZONE_COOKIE = "tz";

/**
 * The zone this request's viewer sees times in: the one they chose in their profile, else their
 * browser's (the cookie), else the organization's. Read once per request.
 */
export const viewerTimeZone = cache(
  async (): Promise<{ zone: string; source: "profile" | "browser" | "organization" }> => {
    const db = getDb();
    const actor = await getCurrentActor();
    const zones = actor ? await viewerZones(db, actor.identityId) : null;
    if (zones?.preferred) return { zone: zones.preferred, source: "profile" };
    const browser = canonicalTimeZone((await cookies()).get(BROWSER_TIME_ZONE_COOKIE)?.value ?? "");
    if (browser) return { zone: browser, source: "browser" };
    return { zone: zones?.organization ?? (await organizationTimeZone(db)), source: "organization" };
  },
);

/** Just the viewer's zone, for formatWhen and formatDay in server components. */
export const viewerZone = async () => (await viewerTimeZone()).zone;
