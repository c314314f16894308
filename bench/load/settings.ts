/**
 * The secrets and settings every process of the benchmark shares: the fixture's writer and the
 * servers must link the audit chain under the same key, and both instances must accept each
 * other's session cookies. Fixed values: this is a benchmark's throwaway database.
 */
export const AUDIT_KEYS = `load-bench-1:${Buffer.alloc(32, 14).toString("base64")}`;
export const AUTH_SECRET = Buffer.alloc(32, 41).toString("base64url");

/** The environment of one `npm start` instance. */
export function instanceEnv(port: number, databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_OWNER_URL: "",
    AUTH_SECRET,
    AUTH_URL: "",
    CLEARANCE_PUBLIC_URL: "",
    CLEARANCE_AUDIT_KEYS: AUDIT_KEYS,
    CLEARANCE_AUDIT_KEY_FILE: "",
    CLEARANCE_DEV_LOGIN: "1",
    CLEARANCE_JOBS: "1",
    // Audit checkpoints go to the run's own data directory (extra), never to S3 or another run's files.
    CLEARANCE_AUDIT_CHECKPOINT_DIR: "",
    CLEARANCE_AUDIT_S3_BUCKET: "",
    // The benchmark is many calls from one person and one address: the per-person and per-address limits would refuse them.
    CLEARANCE_RATE_LIMIT_CALLS: "off",
    CLEARANCE_RATE_LIMIT_ANONYMOUS_CALLS: "off",
    CLEARANCE_RATE_LIMIT_SIGN_IN: "off",
    CLEARANCE_RATE_LIMIT_TOKEN: "off",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  };
  // An empty value stands for "unset": the app must not see this shell's owner URL, published URL or key file.
  for (const [k, v] of Object.entries(env)) if (v === "") delete env[k];
  return env;
}
