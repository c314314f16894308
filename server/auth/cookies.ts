/**
 * Auth.js's session cookie names: plain over HTTP (development), __Host- over HTTPS (server/auth/
 * cookie-options.ts); the __Secure- name is Auth.js's own default, still recognised by the proxy.
 */
export const SESSION_COOKIES = ["authjs.session-token", "__Host-authjs.session-token", "__Secure-authjs.session-token"];

/** Set by proxy.ts on page requests: the path and query the person asked for. */
export const PATH_HEADER = "x-clearance-path";
