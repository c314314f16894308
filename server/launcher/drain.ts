import pg from "pg";

/**
 * Waits until no other session is connected to the database, for at most `ms`, and returns how many
 * are left. The launcher stops its own PostgreSQL only after this: `next dev` serves from a child
 * process that can outlive its parent by a moment, and a fast shutdown under that child's pool ends
 * its connections with "terminating connection due to administrator command" errors. `url` should
 * be a superuser's: other roles do not see each other's sessions in pg_stat_activity.
 */
export async function waitForOtherSessionsToClose(url: string, ms: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return 0; // the database is already gone: nothing to wait for
  }
  client.on("error", () => undefined);
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      const left = rows[0]?.n ?? 0;
      if (left === 0 || Date.now() >= deadline) return left;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}
