// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL, or to the project's own PostgreSQL.
import { redactUrl, StartupError } from "@/server/config";
import { prepareDatabase } from "@/server/db/bootstrap";

try {
  const db = await prepareDatabase();
  console.log(`clearance: migrations applied to ${redactUrl(db.url)}`);
  if (db.embedded?.owned) await db.embedded.stop();
} catch (err) {
  console.error(`clearance: ${err instanceof StartupError ? err.message : String(err)}`);
  process.exit(1);
}
