import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The production build the instances serve: `npm run build` unless .next/BUILD_ID is newer than
 * every source it is built from (or `--rebuild` asks for a new one).
 */

const SOURCES = [
  "app",
  "components",
  "server",
  "lib",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "package.json",
];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function ensureBuild(rebuild: boolean, log: (l: string) => void): void {
  const buildId = path.join(process.cwd(), ".next", "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(process.cwd(), s))));
  if (!rebuild && built > sources) {
    log(`reusing the production build of ${new Date(built).toISOString()} (newer than the sources)`);
    return;
  }
  log(
    rebuild
      ? "building (--rebuild)"
      : built
        ? "the sources changed since the last build: building"
        : "no build yet: building",
  );
  const t0 = Date.now();
  const r = spawnSync("npm", ["run", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.status ?? r.signal})`);
  log(`built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
