import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { getDb } from "@/server/db/client";
import { sessionActors } from "@/server/services/session-cache";
import type { IdentityActor } from "@/server/services/sessions";
import { sessionIdFromCookie } from "./session-token";

/**
 * The signed-in person for a request with these headers, or null: the session cookie decoded as
 * Auth.js does, then the session and its person checked against the database (through the
 * session cache, which LISTEN/NOTIFY keeps exact on every instance).
 */
export async function actorFromHeaders(requestHeaders: Headers): Promise<IdentityActor | null> {
  const now = new Date();
  const sessionId = await sessionIdFromCookie(requestHeaders, now.getTime());
  if (!sessionId) return null;
  return sessionActors().actorForSession(getDb(), sessionId, now);
}

/** The signed-in person for this request (pages, server actions), or null; read once per request. */
export const getCurrentActor = cache(async () => actorFromHeaders(await headers()));
