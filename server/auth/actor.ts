import "server-only";
import { cache } from "react";
import { getDb } from "@/server/db/client";
import { loadActor } from "@/server/services/sign-in";
import { auth } from "./index";

/** The signed-in person for this request, or null; read once per request. */
export const getCurrentActor = cache(async () => {
  const session = await auth();
  if (!session?.identityId) return null;
  return loadActor(getDb(), session.identityId, new Date(session.signedInAt ?? 0));
});
