/** Auth.js's session cookie names (the __Secure- one is used over HTTPS). */
export const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/** Set by proxy.ts on page requests: the path and query the person asked for. */
export const PATH_HEADER = "x-clearance-path";
