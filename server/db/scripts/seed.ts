// `npm run db:seed`: loads the demo organization into an empty database.
// `npm run db:seed -- --reset` first deletes everything in the database (for demos).
import { sql } from "drizzle-orm";
import { redactUrl, StartupError } from "@/server/config";
import { prepareDatabase, roleOf } from "@/server/db/bootstrap";
import { closeDb, getDb } from "@/server/db/client";
import { runMigrations } from "@/server/db/migrate";
import { chainAuditEvents } from "@/server/services/audit-sequencer";
import { seedIfEmpty } from "@/server/services/demo-organization";

const reset = process.argv.includes("--reset");
const roleName = async (url: string) => (await roleOf(url)).role;

try {
  const prepared = await prepareDatabase();
  if (prepared.warning) console.warn(`clearance: WARNING: ${prepared.warning}`);
  if (reset) {
    // Emptying is the owner's work; the demo organization is then loaded as the app.
    process.env.DATABASE_URL = prepared.ownerUrl;
    await getDb().execute(
      sql`drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;`,
    );
    await closeDb();
    await runMigrations(prepared.ownerUrl, { appRole: await roleName(prepared.url) });
    console.log(`clearance: emptied ${redactUrl(prepared.url)}`);
  }
  process.env.DATABASE_URL = prepared.url;
  const loaded = await seedIfEmpty(getDb(), () => new Date());
  // Linked now rather than at the app's next start (its workers' sequencer would).
  await chainAuditEvents({ db: getDb() });
  console.log(
    loaded
      ? "clearance: loaded the demo organization"
      : "clearance: the database already has people; nothing loaded (use `npm run db:seed -- --reset` to start over)",
  );
  await closeDb();
  if (prepared.embedded?.owned) await prepared.embedded.stop();
} catch (err) {
  console.error(`clearance: ${err instanceof StartupError ? err.message : String(err)}`);
  process.exit(1);
}
