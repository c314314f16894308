import { sql } from "drizzle-orm";
import type { Actor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { identities } from "@/server/db/schema";
import { actorForIdentity } from "@/server/services/sessions";
import type { ServiceContext } from "@/server/services/context";

/** Seeded people who hold each portal role (see server/db/seed/people.ts). */
export const personaEmails = {
  employee: "sarah.chen@company.com",
  approver: "john.doe@company.com",
  it_admin: "priya.raman@company.com",
  auditor: "auditor@company.com",
} as const;

export async function identityIdByEmail(db: Db, email: string): Promise<string> {
  const [row] = await db
    .select({ id: identities.id })
    .from(identities)
    .where(sql`lower(${identities.email}) = lower(${email})`);
  if (!row) throw new Error(`no seeded identity ${email}`);
  return row.id;
}

export async function actorFor(db: Db, email: string): Promise<Extract<Actor, { type: "identity" }>> {
  const actor = await actorForIdentity(db, await identityIdByEmail(db, email));
  if (!actor) throw new Error(`${email} is not an active identity`);
  return actor;
}

export const fixedClock =
  (iso = "2026-11-22T12:00:00Z") =>
  () =>
    new Date(iso);

export function serviceContext(db: Db, actor: Actor, clock = fixedClock()): ServiceContext {
  return { db, actor, clock, request: { ip: "127.0.0.1", userAgent: "vitest" } };
}
