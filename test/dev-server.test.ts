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

  it("says ready only once the sign-in page answers, serves it with the seeded organization, and stops on Ctrl-C without errors", async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? "/tmp",
      CLEARANCE_DATA_DIR: dataDir,
      NEXT_TELEMETRY_DISABLED: "1",
      // Next.js allows one dev server per build directory; a developer's own may be running.
      CLEARANCE_NEXT_DIST_DIR: ".next-test-dev",
    };
    // A process group of its own, as a terminal runs a foreground job: Ctrl-C signals the whole group.
    const child = spawn(process.execPath, ["--import", "tsx", "server/launch.ts", "dev"], {
      cwd: root,
      env: env as unknown as NodeJS.ProcessEnv,
      detached: true,
    });
    let output = "";
    const waiting: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
    const onData = (d: Buffer) => {
      output += d.toString();
      for (const w of [...waiting]) {
        const m = w.pattern.exec(output);
        if (m) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const line = (pattern: RegExp) =>
      Promise.race([
        new Promise<RegExpExecArray>((resolve) => waiting.push({ pattern, resolve })),
        exited.then((code) => Promise.reject(new Error(`npm run dev exited with ${code}:\n${output}`))),
      ]);
    let stopped = false;
    try {
      const url = (await line(/clearance: ready at (http:\/\/localhost:\d+)/))[1]!;
      // Next.js says "Ready" as soon as it listens; the launcher says it is compiling, and ready once a page answered.
      expect(output).toContain("✓ Ready in");
      const compiling = output.indexOf("clearance: compiling the first page");
      expect(compiling).toBeGreaterThanOrEqual(0);
      expect(compiling).toBeLessThan(output.indexOf("clearance: ready at"));
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

      const before = output.length;
      process.kill(-child.pid!, "SIGINT");
      stopped = true;
      expect(await exited).toBe(0);
      const afterCtrlC = output.slice(before);
      expect(afterCtrlC).toContain("clearance: stopped");
      const errorLines = afterCtrlC.split("\n").filter((l) => /error|exception|terminat|unhandled/i.test(l));
      // The whole shutdown's output in the message: which process printed an error is the question then.
      expect(errorLines, afterCtrlC).toEqual([]);
      // The launcher waits for PostgreSQL to exit, which removes its pid file on the way out.
      expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
    } finally {
      if (!stopped && child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, "SIGINT");
        await exited;
      }
    }
  }, 600_000);
});
