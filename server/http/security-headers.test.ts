import { describe, expect, it } from "vitest";
import { authCookies } from "@/server/auth/cookie-options";
import { crossSiteRefusal, publishedOrigins } from "./origin";
import { bearerToken } from "./bearer";
import { fixedHeaders, newNonce, nonceOf, pageCsp, RESOURCE_CSP, servedOverHttps } from "./security-headers";

const directives = (csp: string) =>
  Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("the Content-Security-Policy", () => {
  it("in production allows scripts only with this response's nonce, never eval, and nothing may frame the page", () => {
    const nonce = newNonce();
    const csp = directives(pageCsp(nonce, { dev: false, https: false, env: {} }));
    expect(csp["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(csp["style-src"]).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'none'"]);
    expect(JSON.stringify(csp)).not.toMatch(/unsafe-eval|unsafe-inline/);
    expect(csp["upgrade-insecure-requests"]).toBeUndefined();
  });

  it("in development keeps what React's tooling needs; over HTTPS upgrades insecure requests; the IdP may receive the sign-in form", () => {
    const dev = directives(pageCsp("n", { dev: true, https: false, env: {} }));
    expect(dev["script-src"]).toContain("'unsafe-eval'");
    expect(dev["style-src"]).toContain("'unsafe-inline'");
    const prod = directives(
      pageCsp("n", { dev: false, https: true, env: { AUTH_OIDC_ISSUER: "https://login.bank.example/oauth2/default" } }),
    );
    expect(prod["upgrade-insecure-requests"]).toEqual([]);
    expect(prod["form-action"]).toEqual(["'self'", "https://login.bank.example"]);
  });

  it("gives a page's nonce back to code that adds styles (the code editor), and none for a policy without one", () => {
    const nonce = newNonce();
    expect(nonceOf(pageCsp(nonce, { dev: false, https: false, env: {} }))).toBe(nonce);
    expect(nonceOf(RESOURCE_CSP)).toBeUndefined();
    expect(nonceOf(null)).toBeUndefined();
  });

  it("a fresh nonce each time: 128 random bits", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });

  it("every other response may run, load or be framed by nothing; the fixed headers are all there", () => {
    expect(Object.fromEntries(fixedHeaders.map((h) => [h.key, h.value]))).toMatchObject({
      "Content-Security-Policy": RESOURCE_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
    });
    expect(directives(RESOURCE_CSP)).toMatchObject({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });
  });
});

describe("served over HTTPS", () => {
  const forwarded = new Headers({ "x-forwarded-proto": "https" });
  it("when the published URL is https, or a trusted proxy says so; a client's own header counts for nothing", () => {
    expect(servedOverHttps(null, { CLEARANCE_PUBLIC_URL: "https://clearance.bank.example" })).toBe(true);
    expect(servedOverHttps(null, { AUTH_URL: "https://clearance.bank.example" })).toBe(true);
    expect(
      servedOverHttps(forwarded, { CLEARANCE_PUBLIC_URL: "http://localhost:3000", CLEARANCE_TRUST_PROXY: "1" }),
    ).toBe(false);
    expect(servedOverHttps(forwarded, { CLEARANCE_TRUST_PROXY: "1" })).toBe(true);
    expect(servedOverHttps(forwarded, {})).toBe(false);
    expect(servedOverHttps(new Headers(), { CLEARANCE_TRUST_PROXY: "1" })).toBe(false);
  });

  it("Auth.js's cookies are then Secure and __Host- (no Domain, Path=/); over plain HTTP its defaults stay", () => {
    const cookies = authCookies(true)!;
    expect(Object.keys(cookies).sort()).toEqual([
      "callbackUrl",
      "csrfToken",
      "nonce",
      "pkceCodeVerifier",
      "sessionToken",
      "state",
      "webauthnChallenge",
    ]);
    for (const cookie of Object.values(cookies)) {
      expect(cookie!.name).toMatch(/^__Host-authjs\./);
      expect(cookie!.options).toMatchObject({ secure: true, path: "/", httpOnly: true, sameSite: "lax" });
      expect(cookie!.options).not.toHaveProperty("domain");
    }
    expect(authCookies(false)).toBeUndefined();
  });
});

describe("requests from other sites", () => {
  const post = (headers: Record<string, string>) =>
    new Request("http://clearance.internal:3000/api/trpc/x", {
      method: "POST",
      headers: { host: "clearance.internal:3000", ...headers },
    });

  it("compare Origin with the Host, or the published URL; believe X-Forwarded-Host only behind a trusted proxy", () => {
    expect(crossSiteRefusal(post({ origin: "http://clearance.internal:3000" }), {})).toBeNull();
    expect(crossSiteRefusal(post({ origin: "http://clearance.internal:3001" }), {})).not.toBeNull();
    expect(
      crossSiteRefusal(post({ origin: "https://clearance.bank.example" }), {
        CLEARANCE_PUBLIC_URL: "https://clearance.bank.example/",
      }),
    ).toBeNull();
    const viaProxy = post({ origin: "https://clearance.bank.example", "x-forwarded-host": "clearance.bank.example" });
    expect(crossSiteRefusal(viaProxy, { CLEARANCE_TRUST_PROXY: "1" })).toBeNull();
    expect(crossSiteRefusal(viaProxy, {})).toMatchObject({ code: "FORBIDDEN", field: "origin" });
    expect(publishedOrigins({ CLEARANCE_PUBLIC_URL: "not a url", AUTH_URL: "https://a.example/x" })).toEqual([
      "https://a.example",
    ]);
  });
});

describe("the bearer scheme", () => {
  it("is matched in any case; the token is what follows, alone", () => {
    expect(["Bearer abc", "bearer abc", "BEARER abc", "Bearer  abc ", "bEaReR\tabc"].map(bearerToken)).toEqual([
      "abc",
      "abc",
      "abc",
      "abc",
      "abc",
    ]);
    expect(
      [null, "", "Bearer", "Bearer ", "Basic abc", "Bearerabc", "Bearer a b", "Token abc"].map(bearerToken),
    ).toEqual([null, null, null, null, null, null, null, null]);
  });
});
