/**
 * A real sign-in through Auth.js with the development provider (CLEARANCE_DEV_LOGIN=1), as
 * the sign-in page's form does it: GET /api/auth/csrf for the CSRF token and its cookie, then
 * POST the credentials callback. The signIn callback checks the person (active, allowed) and the
 * jwt callback opens the portal session, so the cookie that comes back is a real session.
 * (The OIDC provider of the e2e tests would sign in the same way with two more redirects.)
 */

function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    out.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return out;
}

/** The Cookie header of a signed-in session for `email`. */
export async function signIn(base: string, email: string): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/dev-login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams({ csrfToken, email, callbackUrl: `${base}/` }).toString(),
  });
  const session = [...cookiesOf(res)].find(([k, v]) => /session-token/.test(k) && v);
  if (!session) {
    throw new Error(`sign-in as ${email} failed: ${res.status} ${res.headers.get("location") ?? ""}`);
  }
  return `${session[0]}=${session[1]}`;
}
