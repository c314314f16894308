import { and, eq, inArray } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import { resources } from "@/server/db/schema";

/** A resource IT marked "not requestable" is granted by policy or by IT only, never asked for in the portal. */
export async function refuseUnrequestable(db: DbOrTx, grants: readonly { resource: string }[]) {
  const keys = [...new Set(grants.map((g) => g.resource))];
  if (keys.length === 0) return;
  const closed = await db
    .select({ key: resources.key })
    .from(resources)
    .where(and(inArray(resources.key, keys), eq(resources.requestable, false)));
  if (closed.length)
    throw new DomainError(
      "FORBIDDEN",
      `${closed.map((r) => r.key).join(", ")} cannot be asked for in the portal: IT grants it`,
      { field: "templateKey" },
    );
}
