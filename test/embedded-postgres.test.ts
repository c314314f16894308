import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/server/db/embedded";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "clearance-embedded-"));
const dataDir = path.join(dir, "pg");

async function query(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

describe("the project's own PostgreSQL", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is adopted and stopped by the next process when the one that started it was killed", async () => {
    // node itself (not the tsx wrapper, which would leave its own child running when killed)
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/start-embedded.ts", dataDir], {
      cwd: root,
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        const m = /ready (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`child exited with ${code}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(true);
    // Its superuser password was generated for this directory and only root may read it.
    expect(statSync(`${dataDir}.password`).mode & 0o777).toBe(0o600);

    const adopted = await startEmbeddedPostgres({ dataDir, database: "clearance" });
    expect(adopted).toMatchObject({ port, owned: true });
    expect(await query(adopted.url, "select 1 as ok")).toEqual([{ ok: 1 }]);

    // A second process joins the running server without taking it over.
    const guest = await startEmbeddedPostgres({ dataDir, database: "clearance" });
    expect(guest).toMatchObject({ port, owned: false });
    await guest.stop();
    expect(await query(adopted.url, "select 2 as ok")).toEqual([{ ok: 2 }]);

    await adopted.stop();
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);

    // And it starts again on the same data, which was kept.
    const again = await startEmbeddedPostgres({ dataDir, database: "clearance" });
    expect(again.owned).toBe(true);
    await again.stop();
  }, 60_000);
});
