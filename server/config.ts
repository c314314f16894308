/**
 * Settings read from the environment, checked once at start-up so that a misconfigured
 * server stops with one line naming what is wrong instead of failing on the first request.
 */
import path from "node:path";

export type RunMode = "dev" | "start";

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button says, e.g. "Okta" or "Microsoft Entra ID". */
  name: string;
}

type Env = Record<string, string | undefined>;

/** CLEARANCE_DATA_DIR, or .data in the working directory: the project's own PostgreSQL, development secrets, checkpoints. */
export const dataDirectory = (env: Env = process.env) =>
  env.CLEARANCE_DATA_DIR ? path.resolve(env.CLEARANCE_DATA_DIR) : path.join(process.cwd(), ".data");

export const devLoginEnabled = (env: Env = process.env) => env.CLEARANCE_DEV_LOGIN === "1";

/** The OIDC provider configured through AUTH_OIDC_*, or null when none is. */
export function oidcSettings(env: Env = process.env): OidcSettings | null {
  const issuer = env.AUTH_OIDC_ISSUER?.trim();
  const clientId = env.AUTH_OIDC_CLIENT_ID?.trim();
  const clientSecret = env.AUTH_OIDC_CLIENT_SECRET?.trim();
  if (!issuer && !clientId && !clientSecret) return null;
  const missing = [
    !issuer && "AUTH_OIDC_ISSUER",
    !clientId && "AUTH_OIDC_CLIENT_ID",
    !clientSecret && "AUTH_OIDC_CLIENT_SECRET",
  ].filter(Boolean);
  if (missing.length) {
    throw new StartupError(
      `${missing.join(" and ")} not set: OIDC sign-in needs AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET together`,
    );
  }
  try {
    new URL(issuer!);
  } catch {
    throw new StartupError(`AUTH_OIDC_ISSUER is not a URL: "${issuer}"`);
  }
  return {
    issuer: issuer!,
    clientId: clientId!,
    clientSecret: clientSecret!,
    name: env.AUTH_OIDC_NAME?.trim() || "Single sign-on",
  };
}

/** Checks the sign-in settings for a start; throws StartupError naming the first problem. */
export function checkAuthSettings(env: Env, mode: RunMode): void {
  if (mode === "start" && !env.AUTH_SECRET) {
    throw new StartupError(
      "AUTH_SECRET is not set: a production start needs a long random secret to sign sessions (for example `openssl rand -base64 33`)",
    );
  }
  const oidc = oidcSettings(env);
  if (mode === "start" && !oidc && !devLoginEnabled(env)) {
    throw new StartupError(
      "no sign-in method is configured: set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET (or CLEARANCE_DEV_LOGIN=1 for a demo)",
    );
  }
}

/** A connection string with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a valid URL)";
  }
}

/**
 * Whether an empty database gets the demo organization: always in development (unless
 * CLEARANCE_DEMO=0), in production only when asked (CLEARANCE_DEMO=1). A company's production
 * instance starts empty (issue 15).
 */
export function demoWanted(env: Env, mode: RunMode): boolean {
  const value = env.CLEARANCE_DEMO?.trim() ?? "";
  if (value !== "" && value !== "0" && value !== "1")
    throw new StartupError(
      `CLEARANCE_DEMO is "${value}": write 1 to load the demo organization into an empty database, or 0 not to`,
    );
  return value === "" ? mode === "dev" : value === "1";
}

/**
 * The people CLEARANCE_ADMINS names (comma-separated emails, lowercased): each becomes an IT admin when
 * they sign in, created if no HR source has them yet. How a new instance gets its first administrator.
 */
export function adminEmails(env: Env = process.env): Set<string> {
  const emails = new Set<string>();
  for (const entry of (env.CLEARANCE_ADMINS ?? "").split(",")) {
    const email = entry.trim().toLowerCase();
    if (!email) continue;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw new StartupError(`CLEARANCE_ADMINS: "${entry.trim()}" is not an email (write them comma-separated)`);
    emails.add(email);
  }
  return emails;
}

/**
 * This instance's name in its heartbeat (GET /api/ready, /api/metrics): CLEARANCE_INSTANCE_ID, e.g. a
 * pod's name, or else host, process id and a random part, made by the launcher and handed to Next.js.
 */
export function instanceIdFrom(env: Env, fallback: () => string): string {
  const id = env.CLEARANCE_INSTANCE_ID?.trim();
  if (!id) return fallback();
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(id))
    throw new StartupError(`CLEARANCE_INSTANCE_ID: "${id}" may hold only letters, digits and . _ : - (at most 100)`);
  return id;
}

/**
 * How long an idle keep-alive connection stays open (CLEARANCE_KEEP_ALIVE_TIMEOUT_MS, default 65 s):
 * longer than a load balancer's idle timeout (AWS ALB 60 s), so the balancer closes first and never
 * sends a request on a connection Node.js is closing (a 502). Node's own default is 5 s.
 */
export function keepAliveTimeoutMs(env: Env = process.env): number {
  const value = env.CLEARANCE_KEEP_ALIVE_TIMEOUT_MS?.trim();
  if (!value) return 65_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1_000 || ms > 3_600_000)
    throw new StartupError(
      `CLEARANCE_KEEP_ALIVE_TIMEOUT_MS: "${value}" is not a number of milliseconds between 1000 and 3600000`,
    );
  return ms;
}

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL (default info; tests default to silent). Throws naming the setting when it is not a level. */
export function logLevel(env: Env = process.env): LogLevel {
  const value = env.LOG_LEVEL?.trim().toLowerCase();
  if (!value) return env.NODE_ENV === "test" ? "silent" : "info";
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new StartupError(`LOG_LEVEL: "${env.LOG_LEVEL}" is not one of ${LOG_LEVELS.join(", ")}`);
  return value as LogLevel;
}

/** The bearer token /api/metrics asks for (CLEARANCE_METRICS_TOKEN); null: the endpoint answers 404. */
export function metricsToken(env: Env = process.env): string | null {
  const token = env.CLEARANCE_METRICS_TOKEN?.trim();
  if (!token) return null;
  if (token.length < 24)
    throw new StartupError("CLEARANCE_METRICS_TOKEN: at least 24 characters (e.g. `openssl rand -base64 32`)");
  return token;
}
