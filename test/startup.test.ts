import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "@/server/db/embedded";
import { createTestDatabase } from "@/test/support/db";

const root = path.resolve(import.meta.dirname, "..");

/** Runs `npm start`'s launcher with exactly the environment given. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(root, "node_modules/.bin/tsx"),
      ["server/launch.ts", "start"],
      {
        cwd: root,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", ...env } as unknown as NodeJS.ProcessEnv,
        timeout: 30_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
const oidc = { AUTH_OIDC_ISSUER: "https://login.example.com", AUTH_OIDC_CLIENT_ID: "c", AUTH_OIDC_CLIENT_SECRET: "s" };
const auditKey = { CLEARANCE_AUDIT_KEYS: `k1:${"a".repeat(44)}` };

describe("a production start that cannot work stops at once with one clear line", () => {
  it("without AUTH_SECRET", async () => {
    const r = await start({ ...oidc });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^clearance: AUTH_SECRET is not set: /)]);
  });

  it("without an audit key", async () => {
    const r = await start({ ...oidc, AUTH_SECRET: "x".repeat(40) });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^clearance: CLEARANCE_AUDIT_KEYS is not set: a production start needs an audit key the database does not hold/,
      ),
    ]);
  });

  it("with an audit key too short to be a key", async () => {
    const short = await start({ ...oidc, AUTH_SECRET: "x".repeat(40), CLEARANCE_AUDIT_KEYS: "k1:c2hvcnQ=" });
    expect(short.code).toBe(1);
    expect(lines(short.stderr)).toEqual([
      'clearance: CLEARANCE_AUDIT_KEYS: the secret of audit key "k1" is 5 bytes; it needs at least 32 random bytes (openssl rand -base64 32)',
    ]);
  });

  it("with an unreachable DATABASE_URL", async () => {
    const closed = await freePort();
    const r = await start({
      ...oidc,
      ...auditKey,
      AUTH_SECRET: "x".repeat(40),
      DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${closed}/clearance`,
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `clearance: cannot reach the database at DATABASE_URL postgres://app:***@127.0.0.1:${closed}/clearance: connect ECONNREFUSED 127.0.0.1:${closed}`,
    ]);
  });

  it("with a DATABASE_URL that connects as a superuser", async () => {
    const superuser = inject("adminUrl");
    const r = await start({ ...oidc, ...auditKey, AUTH_SECRET: "x".repeat(40), DATABASE_URL: superuser });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `clearance: DATABASE_URL connects as "${decodeURIComponent(new URL(superuser).username)}", which is a superuser: the app must run as a role that ` +
        "cannot alter tables or switch off the audit trail's triggers. Create the owner and app roles as docs/deploy.md shows, then set DATABASE_URL " +
        "to the app role and DATABASE_OWNER_URL to the owner (migrations run as the owner)",
    ]);
  });

  it("with a DATABASE_URL that connects as the owner of the tables, even beside DATABASE_OWNER_URL", async () => {
    const t = await createTestDatabase("empty");
    try {
      const r = await start({
        ...oidc,
        ...auditKey,
        AUTH_SECRET: "x".repeat(40),
        DATABASE_URL: t.ownerUrl,
        DATABASE_OWNER_URL: t.ownerUrl,
      });
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^clearance: DATABASE_URL connects as "${inject("testRoles").owner.name}", which owns ` +
              `\\d+ of Clearance's tables, owns the database: the app must run as`,
          ),
        ),
      ]);
    } finally {
      await t.close();
    }
  });

  it("with a CLEARANCE_DEMO that is neither 1 nor 0", async () => {
    const r = await start({ ...oidc, ...auditKey, AUTH_SECRET: "x".repeat(40), CLEARANCE_DEMO: "yes" });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^clearance: CLEARANCE_DEMO is "yes": write 1/);
  });

  it("with a DATABASE_URL that is not a URL", async () => {
    const r = await start({ ...oidc, ...auditKey, AUTH_SECRET: "x".repeat(40), DATABASE_URL: "not a url" });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^clearance: .*DATABASE_URL/);
  });
});
