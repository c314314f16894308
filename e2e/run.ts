/**
 * `npm run test:e2e`: checks for Chromium, builds the app (skip with E2E_SKIP_BUILD=1 when
 * `npm run build` just ran), then runs Playwright. Extra arguments go to Playwright.
 * The run's data directory (the app's PostgreSQL) is made here and removed once Playwright has
 * exited, however it ended; E2E_KEEP_DATA=1 keeps it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `clearance: Chromium is missing at ${chromium}. ` +
      `Install Debian's package (\`apt-get update && apt-get install -y chromium\`) or set CHROMIUM_PATH; ` +
      `Playwright's own browser download is not used.`,
  );
  process.exit(1);
}

const ownDataDir = process.env.E2E_DATA_DIR ? null : mkdtempSync(path.join(tmpdir(), "clearance-e2e-"));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...(ownDataDir ? { E2E_DATA_DIR: ownDataDir } : {}) };

const run = (cmd: string, args: string[]): number => spawnSync(cmd, args, { stdio: "inherit", env }).status ?? 1;

let status = process.env.E2E_SKIP_BUILD !== "1" ? run("node_modules/.bin/next", ["build"]) : 0;
if (status === 0) status = run("node_modules/.bin/playwright", ["test", ...process.argv.slice(2)]);
if (ownDataDir) {
  if (process.env.E2E_KEEP_DATA === "1") console.log(`e2e data kept in ${ownDataDir}`);
  else rmSync(ownDataDir, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(status);
