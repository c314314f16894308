import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { hasAnyRole, sectionByKey, type SectionKey } from "@/server/core/roles";
import { getDb } from "@/server/db/client";
import { recordRefusedAccess } from "@/server/services/access";
import { getCurrentActor } from "./actor";
import { requestInfo } from "./request-info";

/** The signed-in person, or a redirect to the sign-in page. */
export async function requireActor() {
  const actor = await getCurrentActor();
  if (!actor) redirect("/signin");
  return actor;
}

/** The signed-in person if their roles include the section; otherwise the 403 page, recorded. */
export async function requireSection(key: SectionKey) {
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
}
