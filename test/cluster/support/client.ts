import superjson from "superjson";

/** Cookies as a browser keeps them: name → value, from Set-Cookie headers. */
function keepCookies(jar: Map<string, string>, response: Response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * Signs in through the development sign-in (CLEARANCE_DEV_LOGIN=1) over HTTP as a browser's form
 * post would: Auth.js's CSRF token first, then the credentials callback. Returns the cookie that
 * carries the session; it is good on every instance sharing AUTH_SECRET and the database.
 */
export async function signIn(baseUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keepCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${baseUrl}/api/auth/callback/dev-login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, callbackUrl: `${baseUrl}/` }).toString(),
  });
  keepCookies(jar, callback);
  if (![...jar.keys()].some((k) => k.includes("session-token")))
    throw new Error(`the development sign-in of ${email} gave no session (HTTP ${callback.status})`);
  return cookieHeader(jar);
}

export type CallResult<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** One tRPC mutation over HTTP (superjson, as the app's client sends it). Network failures throw. */
export async function mutate<T = unknown>(
  baseUrl: string,
  cookie: string,
  procedure: string,
  input: unknown,
): Promise<CallResult<T>> {
  const response = await fetch(`${baseUrl}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(superjson.serialize(input)),
  });
  const body = (await response.json()) as {
    result?: { data: { json: unknown; meta?: unknown } };
    error?: { json: { message: string; data?: { code?: string } } };
  };
  if (body.result) return { ok: true, data: superjson.deserialize(body.result.data as never) as T };
  return {
    ok: false,
    code: body.error?.json.data?.code ?? String(response.status),
    message: body.error?.json.message ?? "",
  };
}
