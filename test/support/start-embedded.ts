// Starts the project's own PostgreSQL on the directory given and waits to be killed.
// test/embedded-postgres.test.ts SIGKILLs this process to leave an orphaned server behind.
import { startEmbeddedPostgres } from "@/server/db/embedded";

const server = await startEmbeddedPostgres({ dataDir: process.argv[2]!, database: "clearance" });
console.log(`ready ${server.port}`);
setInterval(() => {}, 60_000);
