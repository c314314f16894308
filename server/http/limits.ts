import { parseRateLimitRule, type RateLimitRule } from "@/server/core/rate-limit";

type Env = Record<string, string | undefined>;

/** Request body limits in bytes; a body over its limit is refused with 413 before it is read in full. */
export const bodyLimits = {
  /** one HR event (seed 001) */
  hrEvent: 256 * 1024,
  /** one SCIM User or PATCH request */
  scim: 256 * 1024,
  /** Auth.js form posts (sign-in, sign-out, callback) */
  auth: 16 * 1024,
  /** an export's filters, posted by the reports page's forms */
  exportForm: 16 * 1024,
  /** tRPC without a session: only the sign-in page's own calls */
  trpcSignedOut: 64 * 1024,
  /** tRPC for a signed-in person */
  trpc: 1024 * 1024,
  /** tRPC calls that carry a file: a 10 MB snapshot CSV, a 5 MB identity import, policy files (JSON-escaped) */
  trpcFile: 32 * 1024 * 1024,
} as const;

/** Procedures whose input carries a file; any of them in a batch lifts the batch's limit to bodyLimits.trpcFile. */
export const fileProcedures = [
  "identities.previewImport",
  "identities.applyImport",
  "migration.previewSnapshot",
  "migration.importSnapshot",
  "policies.lint",
  "policies.preview",
  "policies.save",
  "policies.import",
] as const;

export { TRPC_MAX_BATCH } from "./trpc-batch";

/** Limits with their setting and default; README's Configuration table lists the same. */
export const rateLimitSettings = {
  signIn: { env: "CLEARANCE_RATE_LIMIT_SIGN_IN", fallback: "30/1m", what: "sign-in attempts from your address" },
  token: { env: "CLEARANCE_RATE_LIMIT_TOKEN", fallback: "1200/1m", what: "requests from your address" },
  wrongToken: {
    env: "CLEARANCE_RATE_LIMIT_WRONG_TOKEN",
    fallback: "10/10m",
    what: "requests with a missing or wrong token from your address",
  },
  calls: { env: "CLEARANCE_RATE_LIMIT_CALLS", fallback: "1200/1m", what: "requests from your account" },
  operator: {
    env: "CLEARANCE_RATE_LIMIT_OPERATOR",
    fallback: "600/1m",
    what: "health, readiness and metrics requests from your address",
  },
  anonymousCalls: {
    env: "CLEARANCE_RATE_LIMIT_ANONYMOUS_CALLS",
    fallback: "120/1m",
    what: "requests from your address",
  },
} as const;

export type RateLimitName = keyof typeof rateLimitSettings;

/** The rule for one limit from the environment (null: switched off). Throws naming the setting when it is malformed. */
export function rateLimitRule(name: RateLimitName, env: Env = process.env): RateLimitRule | null {
  const setting = rateLimitSettings[name];
  return parseRateLimitRule(env[setting.env]?.trim() || setting.fallback, setting.env);
}

/** Checks every limit's setting once at start-up, so a typo stops the start instead of the first request. */
export function checkRateLimitSettings(env: Env = process.env): void {
  for (const name of Object.keys(rateLimitSettings) as RateLimitName[]) rateLimitRule(name, env);
}
