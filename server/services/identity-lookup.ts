import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { identities } from "@/server/db/schema";

/** The identity with this email, whatever its case, or null. */
export async function findIdentityByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(identities)
    .where(sql`lower(${identities.email}) = lower(${email.trim()})`)
    .limit(1);
  return row ?? null;
}
