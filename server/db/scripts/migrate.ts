// `npm run db:migrate`: applies drizzle/ migrations and pg-boss's schema as the owner
// (DATABASE_OWNER_URL, else DATABASE_URL), grants the app role (DATABASE_URL's) its privileges;
// without DATABASE_URL, on the project's own PostgreSQL.
import { redactUrl, StartupError } from "@/server/config";
import { prepareDatabase } from "@/server/db/bootstrap";

try {
  const db = await prepareDatabase();
  console.log(`clearance: migrations applied to ${redactUrl(db.ownerUrl)}`);
  if (db.warning) console.warn(`clearance: WARNING: ${db.warning}`);
  if (db.embedded?.owned) await db.embedded.stop();
} catch (err) {
  console.error(`clearance: ${err instanceof StartupError ? err.message : String(err)}`);
  process.exit(1);
}
