import path from "node:path";
import { defineConfig } from "vitest/config";

// Vitest 5 targets Node 22; on Node 20 its failure report calls Map.groupBy (Node 21+).
// The config is loaded in the main process, so defining it here keeps failures readable.
if (typeof (Map as unknown as { groupBy?: unknown }).groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    value<T, K>(items: Iterable<T>, key: (item: T, index: number) => K) {
      const groups = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        groups.set(k, [...(groups.get(k) ?? []), item]);
      }
      return groups;
    },
  });
}

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
    globalSetup: ["./test/support/global-setup.ts"],
    setupFiles: ["./test/support/setup-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file gets its own database cloned from a migrated template (test/support/db.ts).
    pool: "forks",
  },
});
