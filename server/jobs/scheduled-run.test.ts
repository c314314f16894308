import { Writable } from "node:stream";
import pino from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { replaceLogger } from "@/server/log";
import { runScheduledJob } from "./scheduled-run";

/** Issue 15, point 11: one JSON line per job run, with no personal data at info level. */
const lines: Record<string, unknown>[] = [];
const launcherLines: { line: string; level?: string }[] = [];
const log = (line: string, level?: "info" | "warn") => launcherLines.push({ line, level });
const db = {} as Db;

beforeEach(() => {
  lines.length = 0;
  launcherLines.length = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  replaceLogger(pino({ level: "info" }, sink));
});

describe("a scheduled job's run", () => {
  it("writes one line: the job, done, its duration and how many it did, run as the job's own actor", async () => {
    let actor = "";
    const done = await runScheduledJob(
      {
        name: "requests-remind",
        cron: "*/5 * * * *",
        run: async (ctx) => {
          actor = ctx.actor.type === "system" ? ctx.actor.name : "someone";
          return 3;
        },
      },
      db,
      log,
    );
    expect(done).toBe(3);
    expect(actor).toBe("requests-remind");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "job", job: "requests-remind", status: "done", count: 3, level: 30 });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(launcherLines).toEqual([{ line: "jobs: requests-remind: 3 requests" }]);
  });

  it("a failure is a warn line without the error's text (it may name a person), and the run still fails", async () => {
    const failing = {
      name: "drift-daily",
      cron: "0 3 * * *",
      run: async () => {
        throw new Error("LDAP said: no such user sarah.chen@company.com");
      },
    };
    await expect(runScheduledJob(failing, db, log)).rejects.toThrow("no such user");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "job", job: "drift-daily", status: "failed", level: 40 });
    expect(JSON.stringify(lines)).not.toContain("sarah");
    expect(launcherLines).toEqual([
      { line: "jobs: drift-daily failed: LDAP said: no such user sarah.chen@company.com", level: "warn" },
    ]);
  });
});
