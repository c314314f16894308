import { describe, expect, it } from "vitest";
import { isLiteralSecret, literalSecrets, redactedConfig, withoutLiteralSecrets } from "./literal-secrets";

describe("literal secrets in adapter settings", () => {
  const postgres = { url: "postgres://clearance:hunter2@db.internal:5432/app?sslmode=require" };

  it("treats a connection string with a password as a secret, and one without as a setting", () => {
    expect(isLiteralSecret("url", postgres.url)).toBe(true);
    expect(isLiteralSecret("url", "postgresql://clearance:p@ss@db.internal/app")).toBe(true);
    expect(isLiteralSecret("url", "host=db.internal user=clearance password=hunter2 dbname=app")).toBe(true);
    expect(isLiteralSecret("url", "postgres://db.internal:5432/app?user=clearance&password=hunter2")).toBe(true);
    expect(isLiteralSecret("url", "postgres://clearance@db.internal:5432/app")).toBe(false);
    expect(isLiteralSecret("url", "postgres://db.internal:5432/app?application_name=a@b")).toBe(false);
    expect(isLiteralSecret("url", "ldaps://ldap.internal:636")).toBe(false);
    expect(isLiteralSecret("bindPassword", "hunter2")).toBe(true);
    expect(isLiteralSecret("bindPasswordEnv", "LDAP_PASSWORD")).toBe(false);
    expect(isLiteralSecret("urlEnv", "CRM_DATABASE_URL")).toBe(false);
  });

  it("the audit trail keeps the URL without its password; an export leaves it out", () => {
    expect(redactedConfig({ ...postgres, bindPassword: "x", timeoutMs: 5 })).toEqual({
      url: "postgres://clearance:***@db.internal:5432/app?sslmode=require",
      bindPassword: "***",
      timeoutMs: 5,
    });
    expect(redactedConfig({ url: "host=db password='a b' dbname=app" })).toEqual({
      url: "host=db password=*** dbname=app",
    });
    expect(JSON.stringify(redactedConfig({ url: "postgresql://clearance:p@ss@db/app" }))).not.toContain("ss@db");
    expect(withoutLiteralSecrets({ ...postgres, secretEnv: "S", vendorLogins: {} })).toEqual({
      secretEnv: "S",
      vendorLogins: {},
    });
    expect(literalSecrets({ ...postgres, secret: "s", bindPasswordEnv: "P" })).toEqual([
      { key: "url", instead: "urlEnv" },
      { key: "secret", instead: "secretEnv" },
    ]);
  });
});
