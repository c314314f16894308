import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** What the migration procedures answer, for the components that show it. */
export type MigrationOutputs = inferRouterOutputs<AppRouter>["migration"];

export { plural } from "@/server/core/text/plural";
