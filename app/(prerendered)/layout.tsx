import type { ReactNode } from "react";
import { BrowserFrame } from "@/components/shell/browser-frame";
import { signOutAction } from "../(portal)/sign-out-action";

// Built once, never per request: a page here must not read the request (the build fails if it does).
export const dynamic = "error";

/**
 * The frame of the portal pages that are prerendered at build time: the same sidebar and sign-out,
 * filled in by the browser. proxy.ts sends these pages a Content-Security-Policy with the hashes of
 * their inline scripts instead of a nonce (server/http/prerendered-pages.ts), and sends visitors
 * without a session cookie to sign-in; what they show is loaded through /api/trpc, which checks the
 * session on every call.
 */
export default function PrerenderedPortalLayout({ children }: { children: ReactNode }) {
  return <BrowserFrame signOut={signOutAction}>{children}</BrowserFrame>;
}
