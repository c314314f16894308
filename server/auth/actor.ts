import "server-only";
import { cache } from "react";
import { getDb } from "@/server/db/client";
import { actorForSession } from "@/server/services/sessions";
import { auth } from "./index";

/** The signed-in person for this request, or null; read once per request. */
export const getCurrentActor = cache(async () => {
  const session = await auth();
  if (!session?.sessionId) return null;
  return actorForSession(getDb(), session.sessionId, new Date());
});
