import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:cluster`: two real app instances (`npm start` on a production build, jobs on in
 * both) on one test database (test/cluster/). Needs `npm run build` first, so CI runs it after the
 * build and `npm test` leaves these files out. The same databases and audit keys as `npm test`
 * (vitest.config.ts: its global setup and setup file); one file at a time, as each starts two
 * Next.js servers.
 */
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "test/support/empty-module.ts"),
    },
  },
  test: {
    include: ["test/cluster/**/*.test.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
    setupFiles: ["./test/support/setup-file.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
