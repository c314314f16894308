import type { PortalRole } from "./roles";

/**
 * Where a person lands after sign-in when they asked for no page: their inbox while requests wait
 * for their decision; otherwise IT's work queue for an IT admin, My access for everyone else.
 */
export function landingPage(waitingForMe: number, roles: readonly PortalRole[] = []): "/inbox" | "/work" | "/access" {
  if (waitingForMe > 0) return "/inbox";
  return roles.includes("it_admin") ? "/work" : "/access";
}
