import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { hasAnyRole, sectionByKey, type SectionKey } from "@/server/core/roles";
import { getDb } from "@/server/db/client";
import { recordRefusedAccess } from "@/server/services/access";
import { getCurrentActor } from "./actor";
import { safeCallbackUrl } from "./callback-url";
import { PATH_HEADER, SESSION_COOKIES } from "./cookies";
import { requestInfo } from "./request-info";

/**
 * The signed-in person, or a redirect to the sign-in page that comes back here afterwards and,
 * when a session cookie was there but is no longer accepted, says that the session ended.
 */
export async function requireActor() {
  const actor = await getCurrentActor();
  if (!actor) {
    const [h, jar] = await Promise.all([headers(), cookies()]);
    const ended = SESSION_COOKIES.some((name) => jar.has(name));
    const back = safeCallbackUrl(h.get(PATH_HEADER) ?? "/");
    redirect(`/signin?callbackUrl=${encodeURIComponent(back)}${ended ? "&ended=1" : ""}`);
  }
  return actor;
}

/**
 * The signed-in person if their roles include the section; otherwise the 403 page, recorded.
 * Cached per request: a page and its metadata both guard, and the refusal is recorded once.
 */
export const requireSection = cache(async (key: SectionKey) => {
  const actor = await requireActor();
  const section = sectionByKey(key);
  if (!hasAnyRole(actor.roles, section.roles)) {
    await recordRefusedAccess({
      ctx: { db: getDb(), clock: () => new Date(), actor, request: requestInfo(await headers()) },
      input: { subjectType: "section", subjectId: section.href, allowedRoles: section.roles },
    });
    forbidden();
  }
  return actor;
});
