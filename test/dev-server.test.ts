import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/**
 * The newcomer's path: `npm run dev` with nothing configured starts the project's own
 * PostgreSQL, loads the organization, and serves the sign-in page with its people; Ctrl-C
 * stops Next.js and the database. Runs the real launcher and `next dev`.
 */
/** The roles of the sessions on the project's PostgreSQL in `dataDir`, other than the one asking. */
async function connectedRoles(dataDir: string): Promise<string[]> {
  const port = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8")
    .split("\n")[3]!
    .trim();
  const password = readFileSync(path.join(dataDir, "pg.password"), "utf8").trim();
  const client = new pg.Client({
    connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string }>(
      "select distinct usename::text as role from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() order by 1",
    );
    return rows.map((r) => r.role);
  } finally {
    await client.end();
  }
}

describe("npm run dev with nothing configured", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "clearance-dev-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves the sign-in page with the seeded organization, then stops cleanly", async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? "/tmp",
      CLEARANCE_DATA_DIR: dataDir,
      NEXT_TELEMETRY_DISABLED: "1",
      // Next.js allows one dev server per build directory; a developer's own may be running.
      CLEARANCE_NEXT_DIST_DIR: ".next-test-dev",
    };
    const child = spawn(process.execPath, ["--import", "tsx", "server/launch.ts", "dev"], {
      cwd: root,
      env: env as unknown as NodeJS.ProcessEnv,
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /clearance: ready at (http:\/\/localhost:\d+)/.exec(output);
          if (m) {
            clearInterval(timer);
            resolve(m[1]!);
          }
        }, 200);
        child.on("exit", (code) => reject(new Error(`npm run dev exited with ${code}:\n${output}`)));
      });
      expect(output).toContain("loaded the demo organization into the new database");
      expect(output).toContain("dev sign-in is on");

      const page = await (await fetch(`${url}/signin`)).text();
      expect(page).toContain("Development sign-in");
      expect(page).toContain("Sarah Chen");
      expect(page).toContain("sarah.chen@company.com");
      // The development secret was generated and kept with the local data.
      expect(readFileSync(path.join(dataDir, "auth-secret"), "utf8").length).toBeGreaterThan(30);
      expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(true);
      // Migrations ran as the owner; what stays connected (Next.js, pg-boss) is the app's role.
      expect(await connectedRoles(dataDir)).toEqual(["clearance_app"]);
    } finally {
      child.kill("SIGINT");
      await new Promise((r) => child.once("exit", r));
    }
    // PostgreSQL removes its pid file once its shutdown checkpoint is written: slow on a busy machine.
    const deadline = Date.now() + 30_000;
    while (existsSync(path.join(dataDir, "pg", "postmaster.pid")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
  }, 180_000);
});
