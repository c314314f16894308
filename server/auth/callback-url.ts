/** Only same-site paths are followed after sign-in; anything else goes to My access. */
export function safeCallbackUrl(value: unknown): string {
  const url = typeof value === "string" ? value : "";
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : "/access";
}
