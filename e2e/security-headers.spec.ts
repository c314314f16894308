import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { APIResponse, Page } from "@playwright/test";
import { expect, openReady, people, test } from "./fixtures";

/** The fixed headers every response carries (server/http/security-headers.ts). */
function expectFixedHeaders(response: APIResponse | { headers(): Record<string, string> }, what: string) {
  const headers = response.headers();
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
}

/** Records CSP violations and console errors of the app's own pages (not the identity provider's). */
async function watchForViolations(page: Page) {
  const problems: string[] = [];
  const appOrigin = new URL(test.info().project.use.baseURL!).origin;
  page.on("console", (message) => {
    const text = message.text();
    if (message.location().url.startsWith(appOrigin) || /Content Security Policy|Refused to/i.test(text)) {
      if (message.type() === "error" || /Content Security Policy|Refused to/i.test(text))
        problems.push(`${message.type()}: ${text}`);
    }
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __cspViolations?: string[] };
      (w.__cspViolations ??= []).push(
        `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
      );
    });
  });
  return {
    async check() {
      const violations = await page.evaluate(
        () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
      );
      expect([...problems, ...violations]).toEqual([]);
    },
  };
}

test("every response carries the security headers: a page (CSP with a nonce, no eval), an API answer and static files", async ({
  page,
  request,
}) => {
  const signin = await page.goto("/signin");
  expectFixedHeaders(signin!, "the sign-in page");
  const csp = signin!.headers()["content-security-policy"]!;
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toContain("unsafe-inline");
  // Next.js put this response's nonce on its scripts.
  const scripts = await page.locator("script").evaluateAll((nodes) => nodes.map((n) => (n as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  // Each page view gets its own nonce.
  const again = (await request.get("/signin")).headers()["content-security-policy"];
  expect(again).not.toBe(csp);

  const api = await request.get("/api/trpc/me.profile");
  expect(api.status()).toBe(401);
  expectFixedHeaders(api, "an API answer");
  expect(api.headers()["content-security-policy"]).toContain("default-src 'none'");

  const stylesheet = await page.locator("link[rel=stylesheet]").first().getAttribute("href");
  for (const file of [stylesheet!, "/icon.svg"]) {
    const response = await request.get(file);
    expect(response.status(), file).toBe(200);
    expectFixedHeaders(response, file);
  }
  // Plain HTTP here: no HSTS (a browser would ignore it anyway).
  expect(signin!.headers()["strict-transport-security"]).toBeUndefined();
});

test("the pages work under the policy: no violation while signing in and opening two pages", async ({ page }) => {
  const watch = await watchForViolations(page);
  await openReady(page, "/signin");
  await page.getByLabel("Find a person").fill("Internal Auditor");
  await page.getByRole("button", { name: "Sign in as Grace Liu" }).click();
  await expect(page).toHaveURL(/\/access$/);
  await expect(page.getByRole("heading", { name: "My access" })).toBeVisible();
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("table", { name: "Access as of" })).toBeVisible();
  await openReady(page, "/audit");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await watch.check();
});

test("My access is prerendered: its policy names its inline scripts by hash instead of a nonce, the HTML is nobody's, and the page works", async ({
  page,
  signInAs,
}) => {
  const watch = await watchForViolations(page);
  await signInAs(people.employee.email);
  const response = await page.goto("/access");
  const csp = response!.headers()["content-security-policy"]!;
  expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(csp).not.toMatch(/nonce-|unsafe-inline|unsafe-eval|strict-dynamic/);
  expectFixedHeaders(response!, "My access");
  // Stored by no cache (Next.js would let shared caches keep a prerendered page for a year).
  expect(response!.headers()["cache-control"]).toMatch(/no-store/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  // Every inline script of the page is one the policy names (the browser would refuse any other).
  const inline = await page
    .locator("script:not([src])")
    .evaluateAll((nodes) => nodes.map((n) => n.textContent ?? "").filter((text) => text.length > 0));
  expect(inline.length).toBeGreaterThan(0);
  for (const text of inline) expect(csp).toContain(`'sha256-${createHash("sha256").update(text).digest("base64")}'`);
  // The frame and the page fill in from the person's own calls.
  await expect(page.getByTestId("signed-in-person")).toHaveText("Sarah Chen");
  await expect(page.locator('[data-attribute="department"] dd')).toHaveText("Sales");
  await expect(
    page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "My requests" }),
  ).toBeVisible();
  // The same page for everyone: the same policy again, and the HTML names nobody.
  const again = await page.request.get("/access");
  expect(again.headers()["content-security-policy"]).toBe(csp);
  const html = await again.text();
  expect(html).not.toContain("Sarah");
  expect(html).not.toContain(people.employee.email);
  // A link out of it loads a new document with its own nonce (the code editor's styles need one),
  // and a link back is a client-side navigation under that document's policy.
  await page.evaluate(() => ((window as unknown as { loadedOnce?: boolean }).loadedOnce = true));
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My requests" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBeUndefined();
  await expect(page.locator("script[nonce]").first()).toBeAttached();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "My access" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My access" })).toBeVisible();
  await expect(page.locator('[data-attribute="department"] dd')).toHaveText("Sales");
  await watch.check();
});

test("the code editors work under the policy: their styles carry the page's nonce and apply, with no violation", async ({
  page,
  signInAs,
}) => {
  const watch = await watchForViolations(page);
  await signInAs(people.itAdmin.email);
  for (const [url, label] of [
    ["/policies/edit?file=sales-team-access.yaml", "Policy file sales-team-access.yaml"],
    ["/fallbacks", /^Editing .* \(YAML\)$/],
  ] as const) {
    const response = await page.goto(url);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(response!.headers()["content-security-policy"]!)?.[1];
    const content = page.getByRole("textbox", { name: label });
    await expect(content).toBeVisible();
    // CodeMirror's own stylesheet applied (a blocked <style> would leave the editor a plain block).
    await expect(page.locator(".cm-editor")).toHaveCSS("display", "flex");
    const styleNonces = await page
      .locator("style")
      .evaluateAll((nodes) => nodes.map((n) => (n as HTMLStyleElement).nonce));
    expect(styleNonces.length, url).toBeGreaterThan(0);
    expect(
      styleNonces.every((n) => n === nonce),
      url,
    ).toBe(true);
    // Completion and a lint tooltip add their own elements.
    await content.click();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.press("ControlOrMeta+Space");
    await expect(page.getByRole("listbox", { name: "Completions" })).toBeVisible();
    await page.keyboard.press("Escape");
  }
  await watch.check();
});

test("exports download from the Reports page by POST; a GET or another site's POST is refused", async ({
  page,
  signInAs,
}) => {
  const watch = await watchForViolations(page);
  await signInAs(people.auditor.email);
  await openReady(page, "/reports");
  await page.getByRole("tab", { name: "Audit trail" }).click();
  await expect(page.getByRole("table", { name: "Audit trail" })).toBeVisible();
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^clearance-audit-events-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(readFileSync((await csv.path())!, "utf8").split("\r\n")[0]).toMatch(/^id,seq,occurred_at,actor,action,/);
  await expect(page).toHaveURL(/\/reports$/);
  await watch.check();

  const get = await page.request.get("/api/reports/exceptions?format=csv");
  expect(get.status()).toBe(405);
  expect(await get.json()).toMatchObject({ error: expect.stringMatching(/^Exports are downloaded with POST/) });
  const crossSite = await page.request.post("/api/reports/exceptions", {
    form: { format: "csv" },
    headers: { origin: "https://evil.example" },
  });
  expect(crossSite.status()).toBe(403);
  const mutation = await page.request.post("/api/trpc/notifications.markRead", {
    data: { json: {} },
    headers: { origin: "https://evil.example" },
  });
  expect(mutation.status()).toBe(403);
  expect((await mutation.json()).error.json).toMatchObject({ data: { code: "FORBIDDEN", field: "origin" } });
});

test("a tRPC batch holds at most 20 calls", async ({ page, signInAs }) => {
  await signInAs(people.employee.email);
  const batch = (n: number) => `/api/trpc/${Array.from({ length: n }, () => "me.profile").join(",")}?batch=1`;
  expect((await page.request.get(batch(20))).status()).toBe(200);
  const refused = await page.request.get(batch(21));
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.json.message).toBe("A request may batch at most 20 calls");
});
