import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import { resources, systems } from "@/server/db/schema";

/**
 * A resource IT marked "not requestable" is granted by policy or by IT only, never asked for in the
 * portal; nor is one on a retired system.
 */
export async function refuseUnrequestable(db: DbOrTx, grants: readonly { resource: string }[]) {
  const keys = [...new Set(grants.map((g) => g.resource))];
  if (keys.length === 0) return;
  const closed = await db
    .select({ key: resources.key })
    .from(resources)
    .innerJoin(systems, eq(systems.key, resources.systemKey))
    .where(and(inArray(resources.key, keys), or(eq(resources.requestable, false), isNotNull(systems.retiredAt))));
  if (closed.length)
    throw new DomainError(
      "FORBIDDEN",
      `${closed.map((r) => r.key).join(", ")} cannot be asked for in the portal: IT grants it`,
      { field: "templateKey" },
    );
}
