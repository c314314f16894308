import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next.js resolves this to a no-op on the server; outside Next it would throw on import.
      "server-only": path.resolve(import.meta.dirname, "test/support/empty-module.ts"),
    },
  },
  test: {
    include: ["server/**/*.test.ts", "components/**/*.test.ts", "test/**/*.test.ts"],
    // Two real instances on a production build: `npm run test:cluster` (vitest.cluster.config.ts), after the build.
    exclude: [...configDefaults.exclude, "test/cluster/**"],
    globalSetup: ["./test/support/global-setup.ts"],
    setupFiles: ["./test/support/setup-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file gets its own database cloned from a migrated template (test/support/db.ts).
    pool: "forks",
  },
});
