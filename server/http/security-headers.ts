/**
 * The security headers. next.config.ts sends the fixed ones on every response (pages, API routes,
 * static files); proxy.ts replaces the Content-Security-Policy on pages with one carrying a fresh
 * nonce, which Next.js reads from the request and puts on its own scripts. No imports: next.config.ts
 * loads this file before the app's path aliases exist.
 */

type Env = Record<string, string | undefined>;

/** Two years; browsers only honour it on a response that came over HTTPS (RFC 6797 §8.1). */
export const HSTS = "max-age=63072000; includeSubDomains";

/** For everything that is not a page (JSON, files, downloads): nothing may run, load or frame it. */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sent on every response. */
export const fixedHeaders: { key: string; value: string }[] = [
  { key: "Content-Security-Policy", value: RESOURCE_CSP },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Paths name people and requests: other sites learn nothing, not even the origin.
  { key: "Referrer-Policy", value: "same-origin" },
  // For browsers that predate frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** The origins the OIDC sign-in posts on to (CSP form-action covers the redirect after a form post). */
function signInOrigins(env: Env): string[] {
  try {
    return env.AUTH_OIDC_ISSUER ? [new URL(env.AUTH_OIDC_ISSUER).origin] : [];
  } catch {
    return [];
  }
}

/**
 * A page's policy: scripts only with this response's nonce (and what they load: strict-dynamic),
 * no eval outside development, styles from the site or with the nonce, nothing framed or framing.
 */
export function pageCsp(nonce: string, options: { dev: boolean; https: boolean; env?: Env }): string {
  const scripts = `'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`;
  // Development injects styles from script for hot reloading.
  const styles = `'self' ${options.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`;
  return policyOf(scripts, styles, options);
}

/**
 * A prerendered page's policy (server/http/prerendered-pages.ts): its own inline scripts and styles
 * by their SHA-256, files from the site itself (Next.js's bundles, named in the page: no
 * strict-dynamic, which would refuse them without a nonce), no eval; the rest as any page's.
 */
export function prerenderedPageCsp(
  hashes: { scripts: readonly string[]; styles: readonly string[] },
  options: { https: boolean; env?: Env },
): string {
  return policyOf(["'self'", ...hashes.scripts].join(" "), ["'self'", ...hashes.styles].join(" "), options);
}

function policyOf(scripts: string, styles: string, options: { https: boolean; env?: Env }): string {
  const env = options.env ?? process.env;
  const directives = [
    "default-src 'self'",
    `script-src ${scripts}`,
    `style-src ${styles}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    ["form-action 'self'", ...signInOrigins(env)].join(" "),
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The nonce of a page's policy (pageCsp), or undefined when it has none (development allows inline styles). */
export function nonceOf(csp: string | null | undefined): string | undefined {
  return csp ? /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1] : undefined;
}

/**
 * Whether the site is served over HTTPS: its published URL (CLEARANCE_PUBLIC_URL, else AUTH_URL)
 * is https, or a trusted proxy (CLEARANCE_TRUST_PROXY) says the request came in over https.
 */
export function servedOverHttps(headers: Pick<Headers, "get"> | null, env: Env = process.env): boolean {
  const published = env.CLEARANCE_PUBLIC_URL || env.AUTH_URL;
  if (published) return published.trim().toLowerCase().startsWith("https://");
  const trusted = Number(env.CLEARANCE_TRUST_PROXY) > 0 || env.CLEARANCE_TRUST_PROXY?.trim().toLowerCase() === "true";
  return Boolean(trusted && headers?.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https");
}
