import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests against a production build (`npm start`), with a real OIDC provider
 * (e2e/support/idp.ts) and the project's own PostgreSQL in a fresh directory per run.
 * Ports are chosen once in the runner and passed to workers through the environment.
 */
function freePort(): string {
  return execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
}

process.env.E2E_APP_PORT ??= freePort();
process.env.E2E_IDP_PORT ??= freePort();
process.env.E2E_SMTP_PORT ??= freePort();
process.env.E2E_SMTP_HTTP_PORT ??= freePort();
process.env.E2E_OKTA_PORT ??= freePort();
if (!process.env.E2E_DATA_DIR) {
  // A fresh data directory (the app's PostgreSQL, ~60 MB) for this run, removed when the runner exits:
  // by then Playwright has stopped the web servers. Workers inherit the variable and make none.
  // E2E_KEEP_DATA=1 keeps it for a look after a failure (e2e/run.ts does the same for its runs).
  const dataDir = mkdtempSync(path.join(tmpdir(), "clearance-e2e-"));
  process.env.E2E_DATA_DIR = dataDir;
  process.on("exit", () => {
    if (process.env.E2E_KEEP_DATA === "1") console.log(`e2e data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
}

const appUrl = `http://localhost:${process.env.E2E_APP_PORT}`;
const idpUrl = `http://127.0.0.1:${process.env.E2E_IDP_PORT}`;
const client = { id: "clearance-e2e", secret: "e2e-client-secret" };

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      // A real SMTP server that keeps what the app sends; e2e/fixtures.ts reads it.
      command: "node --import tsx e2e/support/smtp-sink.ts",
      url: `http://127.0.0.1:${process.env.E2E_SMTP_HTTP_PORT}/messages`,
      env: { SMTP_SINK_PORT: process.env.E2E_SMTP_PORT!, SMTP_SINK_HTTP_PORT: process.env.E2E_SMTP_HTTP_PORT! },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // A local Okta org for the directory pull (test/fakes/okta.ts, written to Okta's API reference).
      command: "node --import tsx e2e/support/okta.ts",
      url: `http://127.0.0.1:${process.env.E2E_OKTA_PORT}/health`,
      env: { OKTA_PORT: process.env.E2E_OKTA_PORT! },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "node --import tsx e2e/support/idp.ts",
      url: `${idpUrl}/.well-known/openid-configuration`,
      env: {
        IDP_PORT: process.env.E2E_IDP_PORT!,
        IDP_CLIENT_ID: client.id,
        IDP_CLIENT_SECRET: client.secret,
        APP_URL: appUrl,
      },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "node --import tsx server/launch.ts start",
      url: `${appUrl}/signin`,
      env: {
        PORT: process.env.E2E_APP_PORT!,
        CLEARANCE_DATA_DIR: process.env.E2E_DATA_DIR!,
        // Always the project's own PostgreSQL, fresh for this run, whatever the shell has set.
        DATABASE_URL: "",
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e",
        CLEARANCE_AUDIT_KEYS: "e2e-1:ZTJlLWF1ZGl0LWtleS1lMmUtYXVkaXQta2V5LWUyZS1hdWRpdA==",
        AUTH_OIDC_ISSUER: idpUrl,
        AUTH_OIDC_CLIENT_ID: client.id,
        AUTH_OIDC_CLIENT_SECRET: client.secret,
        AUTH_OIDC_NAME: "Test IdP",
        CLEARANCE_DEV_LOGIN: "1",
        // The e2e stories play on the demo organization; a production start loads it only when asked.
        CLEARANCE_DEMO: "1",
        SMTP_URL: `smtp://127.0.0.1:${process.env.E2E_SMTP_PORT}`,
        CLEARANCE_MAIL_POLL_MS: "500",
        CLEARANCE_PUBLIC_URL: appUrl,
        // The API token of the fake Okta org (e2e/support/okta.ts), named by the directory pull's settings.
        E2E_OKTA_TOKEN: "00fake-okta-api-token",
        // Not a JSON line per call in the test report (test/cluster/operator-endpoints.test.ts reads them).
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      // The launcher stops Next.js, the jobs and then its PostgreSQL before it exits, so the data
      // directory is no longer in use when it is removed (after a SIGKILL it would still be stopping).
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    },
  ],
});
