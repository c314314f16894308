import { describe, expect, it } from "vitest";
import {
  adminEmails,
  checkAuthSettings,
  demoWanted,
  instanceIdFrom,
  keepAliveTimeoutMs,
  logLevel,
  metricsToken,
  oidcSettings,
  redactUrl,
  StartupError,
} from "./config";

const oidc = {
  AUTH_OIDC_ISSUER: "https://login.example.com",
  AUTH_OIDC_CLIENT_ID: "clearance",
  AUTH_OIDC_CLIENT_SECRET: "s3cret",
};

describe("start-up settings", () => {
  it("stops a production start without AUTH_SECRET", () => {
    expect(() => checkAuthSettings({ ...oidc }, "start")).toThrow(StartupError);
    expect(() => checkAuthSettings({ ...oidc }, "start")).toThrow(/^AUTH_SECRET is not set/);
  });

  it("stops a production start with no way to sign in", () => {
    expect(() => checkAuthSettings({ AUTH_SECRET: "x" }, "start")).toThrow(/no sign-in method is configured/);
    expect(() => checkAuthSettings({ AUTH_SECRET: "x", CLEARANCE_DEV_LOGIN: "1" }, "start")).not.toThrow();
    expect(() => checkAuthSettings({ AUTH_SECRET: "x", ...oidc }, "start")).not.toThrow();
  });

  it("names the OIDC variables that are missing when only some are set", () => {
    expect(() => oidcSettings({ AUTH_OIDC_ISSUER: "https://login.example.com" })).toThrow(
      "AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET not set",
    );
    expect(() => oidcSettings({ ...oidc, AUTH_OIDC_ISSUER: "login.example.com" })).toThrow(
      "AUTH_OIDC_ISSUER is not a URL",
    );
  });

  it("reads the provider and its display name", () => {
    expect(oidcSettings({})).toBeNull();
    expect(oidcSettings({ ...oidc, AUTH_OIDC_NAME: "Okta" })).toEqual({
      issuer: "https://login.example.com",
      clientId: "clearance",
      clientSecret: "s3cret",
      name: "Okta",
    });
  });

  it("never prints a database password", () => {
    expect(redactUrl("postgres://app:hunter2@db.internal:5432/clearance")).toBe(
      "postgres://app:***@db.internal:5432/clearance",
    );
  });
});

describe("the demo organization (issue 15)", () => {
  it("loads into an empty database in development, and in production only when asked", () => {
    expect(demoWanted({}, "dev")).toBe(true);
    expect(demoWanted({ CLEARANCE_DEMO: "0" }, "dev")).toBe(false);
    expect(demoWanted({}, "start")).toBe(false);
    expect(demoWanted({ CLEARANCE_DEMO: "" }, "start")).toBe(false);
    expect(demoWanted({ CLEARANCE_DEMO: "1" }, "start")).toBe(true);
    expect(() => demoWanted({ CLEARANCE_DEMO: "true" }, "start")).toThrow(
      'CLEARANCE_DEMO is "true": write 1 to load the demo organization into an empty database, or 0 not to',
    );
  });
});

describe("CLEARANCE_ADMINS (issue 15)", () => {
  it("reads comma-separated emails, lowercased, and names an entry that is not an email", () => {
    expect([...adminEmails({ CLEARANCE_ADMINS: " Alice@Corp.example,bob@corp.example ,, " })]).toEqual([
      "alice@corp.example",
      "bob@corp.example",
    ]);
    expect(adminEmails({}).size).toBe(0);
    expect(() => adminEmails({ CLEARANCE_ADMINS: "alice@corp.example bob@corp.example" })).toThrow(
      'CLEARANCE_ADMINS: "alice@corp.example bob@corp.example" is not an email (write them comma-separated)',
    );
  });
});

describe("operator settings (issue 15)", () => {
  it("LOG_LEVEL: a pino level, info by default and silent under test; anything else stops the start naming it", () => {
    expect(logLevel({})).toBe("info");
    expect(logLevel({ NODE_ENV: "test" })).toBe("silent");
    expect(logLevel({ LOG_LEVEL: " Debug " })).toBe("debug");
    expect(() => logLevel({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL: "verbose" is not one of trace, debug/);
  });

  it("CLEARANCE_METRICS_TOKEN: unset means no endpoint; a short one stops the start", () => {
    expect(metricsToken({})).toBeNull();
    expect(metricsToken({ CLEARANCE_METRICS_TOKEN: " " })).toBeNull();
    expect(metricsToken({ CLEARANCE_METRICS_TOKEN: "x".repeat(24) })).toBe("x".repeat(24));
    expect(() => metricsToken({ CLEARANCE_METRICS_TOKEN: "secret" })).toThrow(StartupError);
  });

  it("CLEARANCE_KEEP_ALIVE_TIMEOUT_MS: 65 s by default (longer than a load balancer's idle timeout); nonsense stops the start", () => {
    expect(keepAliveTimeoutMs({})).toBe(65_000);
    expect(keepAliveTimeoutMs({ CLEARANCE_KEEP_ALIVE_TIMEOUT_MS: "120000" })).toBe(120_000);
    for (const bad of ["5s", "10", "-1", "1e9"])
      expect(() => keepAliveTimeoutMs({ CLEARANCE_KEEP_ALIVE_TIMEOUT_MS: bad })).toThrow(
        /CLEARANCE_KEEP_ALIVE_TIMEOUT_MS/,
      );
  });

  it("CLEARANCE_INSTANCE_ID: a plain name, or the launcher's own", () => {
    expect(instanceIdFrom({}, () => "host:1:abc")).toBe("host:1:abc");
    expect(instanceIdFrom({ CLEARANCE_INSTANCE_ID: "web-7.eu" }, () => "x")).toBe("web-7.eu");
    expect(() => instanceIdFrom({ CLEARANCE_INSTANCE_ID: "web 7" }, () => "x")).toThrow(/CLEARANCE_INSTANCE_ID/);
  });
});
