/**
 * Adapter settings name their secrets by environment variable (secret-env.ts: `bindPasswordEnv`,
 * `urlEnv`, `secretEnv`), but the adapters also take them literally (`bindPassword`, `secret`, a
 * connection string in `url` with its password). Those literal values never leave Clearance: a
 * configuration export drops them and the audit trail shows them redacted.
 */

const SECRET_KEY = /password|secret|token/i;
const NAMES_A_VARIABLE = /env$/i;
/** `scheme://user:password@`: the password is everything between the user's colon and the last `@` before the path. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:@/?#\s]*:)([^/?#\s]*)(@)/i;
/** `password=…` as a URL parameter or in a keyword/value connection string (`host=db password=…`). */
const PASSWORD_PARAMETER = /((?:^|[\s?&;])password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]*)/gi;

/** A connection string holding a password, in its userinfo or as a `password=` parameter. */
export function hasPassword(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const userinfo = URL_PASSWORD.exec(value);
  if (userinfo && userinfo[2] !== "") return true;
  return [...value.matchAll(PASSWORD_PARAMETER)].some((m) => m[2] !== "" && m[2] !== "''");
}

/** True for a setting that is a secret itself: a password, secret or token (not a variable's name), or a URL with a password. */
export function isLiteralSecret(key: string, value: unknown): boolean {
  if (NAMES_A_VARIABLE.test(key)) return false;
  return SECRET_KEY.test(key) || hasPassword(value);
}

/** The connection string with its password replaced by `***` (postgres://user:***@host/db). */
export function withoutPassword(value: string): string {
  return value.replace(URL_PASSWORD, "$1***$3").replace(PASSWORD_PARAMETER, "$1***");
}

/** Settings as the audit trail shows them: literal secrets as `***`, a URL's password as `***`. */
export function redactedConfig(config: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((config ?? {}) as Record<string, unknown>).map(([k, v]) => {
      if (!isLiteralSecret(k, v)) return [k, v];
      return [k, typeof v === "string" && !SECRET_KEY.test(k) ? withoutPassword(v) : "***"];
    }),
  );
}

/** Settings as a configuration export writes them: without any literal secret. */
export function withoutLiteralSecrets(config: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((config ?? {}) as Record<string, unknown>).filter(([k, v]) => !isLiteralSecret(k, v)),
  );
}

const VARIABLE_OF: Record<string, string> = { bindPassword: "bindPasswordEnv", url: "urlEnv", secret: "secretEnv" };

/** The settings of `config` that are literal secrets, each with the setting naming a variable to use instead. */
export function literalSecrets(config: unknown): { key: string; instead: string }[] {
  return Object.entries((config ?? {}) as Record<string, unknown>)
    .filter(([k, v]) => isLiteralSecret(k, v))
    .map(([key]) => ({ key, instead: VARIABLE_OF[key] ?? "bindPasswordEnv / urlEnv / secretEnv" }));
}
