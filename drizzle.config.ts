import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate --name ...` uses this file: it diffs the schema against the
// snapshots in drizzle/ and needs no database. Migrations are applied by server/db/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
