import { z } from "zod";

/**
 * Clearance's own secrets, which no adapter setting may name: an IT admin could otherwise point a
 * system at a server they control with `bindPasswordEnv: AUTH_SECRET` and receive the session
 * signing key (and forge a session as another IT admin) through a connection test.
 */
const OWN_SECRETS = [
  /^AUTH_/,
  /^NEXTAUTH_/,
  /^DATABASE_/,
  /^PG/,
  /^CLEARANCE_AUDIT_/,
  /^CLEARANCE_METRICS_TOKEN$/,
  /^SMTP_/,
];

/** The name of an environment variable holding an adapter's secret (LDAP password, connection string, webhook secret). */
export const secretEnvName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name (letters, digits, _)")
  .refine((name) => !OWN_SECRETS.some((own) => own.test(name.toUpperCase())), {
    error: "names one of Clearance's own settings; give this system's secret a variable of its own",
  });
