import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { builtinModules } from "node:module";

// Every Node built-in, with and without the node: prefix.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `${m}/*`), "node:*"];
// Relative paths that climb out of a folder into another layer, e.g. "../../db/client".
const climbingInto = (...layers) => ({ regex: `^(\\.\\./)+(server/)?(${layers.join("|")})(/|$)`, message: "" });

/**
 * Architecture boundaries (see docs/architecture.md):
 * - server/core is pure domain logic: no database, Next.js, adapters, services or node I/O.
 * - routers are thin: they validate and call services, never the database.
 * - components render; they do not reach the database or services.
 */
const boundaries = [
  {
    files: ["server/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/db", "@/server/db/*", "drizzle-orm", "drizzle-orm/*", "pg", "pg-boss"],
              message: "server/core is pure: load data in a service and pass it in.",
            },
            {
              group: [
                "@/server/services",
                "@/server/services/*",
                "@/server/api",
                "@/server/api/*",
                "@/server/adapters",
                "@/server/adapters/*",
                "@/server/auth",
                "@/server/auth/*",
                "@/server/jobs",
                "@/server/jobs/*",
              ],
              message: "server/core must not depend on outer layers.",
            },
            {
              group: ["next", "next/*", "next-auth", "next-auth/*", "react", "react/*"],
              message: "server/core knows nothing of the web framework.",
            },
            { group: nodeBuiltins, message: "server/core does no I/O; the clock and data are passed in." },
            {
              ...climbingInto("db", "services", "api", "adapters", "auth", "jobs", "app", "components"),
              message: "server/core must not depend on outer layers.",
            },
          ],
        },
      ],
      // Policies are compiled to closures over data, never to code (issue 3): no value from a
      // policy or a person can reach a code generator.
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
    },
  },
  {
    files: ["server/api/routers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/db", "@/server/db/*", "drizzle-orm", "drizzle-orm/*", "pg"],
              message: "Routers validate and call a service; services own the database.",
            },
            { ...climbingInto("db"), message: "Routers validate and call a service; services own the database." },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/db", "@/server/db/*", "drizzle-orm", "drizzle-orm/*", "pg"],
              message: "Pages and components get data through tRPC procedures.",
            },
            {
              group: ["@/server/services", "@/server/services/*"],
              message: "Pages and components go through tRPC procedures, which check roles.",
            },
            {
              ...climbingInto("server/db", "server/services"),
              message: "Pages and components go through tRPC procedures, which check roles.",
            },
          ],
        },
      ],
    },
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  ...boundaries,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    ".next-*/**",
    ".data/**",
    "node_modules/**",
    "drizzle/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
