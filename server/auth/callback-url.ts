const PLACEHOLDER_ORIGIN = "http://clearance.invalid";

/**
 * Only paths on this site are followed after sign-in; anything else goes home, which sends the
 * person to their inbox when requests wait for them and to My access otherwise.
 * Parsing (rather than prefix checks) catches "//evil", "/\evil" and "/\t/evil", which
 * browsers treat as other sites.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
