import { and, eq } from "drizzle-orm";
import type { Actor } from "@/server/core/actor";
import type { Tx } from "@/server/db/client";
import { accessExceptions, expectedAccess } from "@/server/db/schema";
import { notifyPeople } from "../requests/notify";

type Exception = typeof accessExceptions.$inferSelect;

const byWhom = (actor: Actor) =>
  actor.type === "identity" ? `${actor.displayName} (${actor.email})` : `Clearance (${actor.name})`;

/**
 * Tells the holder, in the revoke's own transaction, that their access was revoked, by whom and
 * why: the revoke dialog promises "the holder is told why". People who are not Active (a
 * leaver) are not notified (notifyPeople).
 */
export async function tellHolderOfRevoke(tx: Tx, actor: Actor, e: Exception, reason: string, now: Date) {
  // A policy that gives the resource by now keeps the access (endException): say so, not "removed".
  const [policy] = await tx
    .select({ level: expectedAccess.level })
    .from(expectedAccess)
    .where(and(eq(expectedAccess.identityId, e.identityId), eq(expectedAccess.resourceKey, e.resourceKey)));
  const after = policy
    ? "Policy gives you this resource now, so you keep it as policy gives it."
    : `It no longer counts as your access; its removal from ${e.resourceKey.split(":")[0]} is ` +
      `under way. If you still need it, ask for it again with a new justification.`;
  await notifyPeople(
    tx,
    [e.identityId],
    {
      kind: "exception_revoked",
      title: `Your access to ${e.resourceKey} was revoked`,
      body: `EXC-${e.number} was revoked by ${byWhom(actor)}: ${reason}${/[.!?]$/.test(reason) ? "" : "."}\n\n${after}`,
      link: "/access",
    },
    now,
  );
}
