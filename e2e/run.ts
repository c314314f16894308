/**
 * `npm run test:e2e`: checks for Chromium, builds the app (skip with E2E_SKIP_BUILD=1 when
 * `npm run build` just ran), then runs Playwright. Extra arguments go to Playwright.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `clearance: Chromium is missing at ${chromium}. Install Debian's package (\`apt-get update && apt-get install -y chromium\`) or set CHROMIUM_PATH; Playwright's own browser download is not used.`,
  );
  process.exit(1);
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (process.env.E2E_SKIP_BUILD !== "1") run("node_modules/.bin/next", ["build"]);
run("node_modules/.bin/playwright", ["test", ...process.argv.slice(2)]);
