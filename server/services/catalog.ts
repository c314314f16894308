import { asc, isNull } from "drizzle-orm";
import { resources, systems } from "@/server/db/schema";
import type { ServiceContext } from "./context";

/** Systems with their ordered access levels, and every resource, for pickers and lint. */
export async function listCatalog({ ctx }: { ctx: ServiceContext }) {
  const [systemRows, resourceRows] = await Promise.all([
    // Retired systems are no longer offered.
    ctx.db.select().from(systems).where(isNull(systems.retiredAt)).orderBy(asc(systems.key)),
    ctx.db
      .select({ key: resources.key, systemKey: resources.systemKey, description: resources.description })
      .from(resources)
      .orderBy(asc(resources.key)),
  ]);
  return {
    systems: systemRows.map((s) => ({ key: s.key, name: s.name, accessLevels: s.accessLevels })),
    resources: resourceRows,
  };
}
