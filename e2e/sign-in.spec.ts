import { expect, openIdpLogin, people, signInWithOidc, test } from "./fixtures";

test.describe("sign-in through a real OIDC provider", () => {
  test("lands Sarah Chen on My access with her attributes, and signs her out", async ({ page }) => {
    await signInWithOidc(page, people.employee.email);
    await expect(page).toHaveURL(/\/access$/);
    await expect(page.getByRole("heading", { name: "My access" })).toBeVisible();
    await expect(page.getByTestId("signed-in-person")).toHaveText("Sarah Chen");
    const attributes = page.locator("dl");
    await expect(attributes.locator('[data-attribute="job_title"] dd')).toHaveText("Sales Engineer");
    await expect(attributes.locator('[data-attribute="department"] dd')).toHaveText("Sales");
    await expect(attributes.locator('[data-attribute="team"] dd')).toHaveText("Enterprise");
    await expect(attributes.locator('[data-attribute="manager"] dd')).toContainText("John Doe");
    const access = page.getByRole("table", { name: "Access from policy" });
    await expect(access.getByRole("row", { name: /salesforce:license:user/ })).toContainText("sales-team-access");
    await expect(access.getByRole("row", { name: /gitlab:group:customer-solutions/ })).toContainText("reporter");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await page.goto("/access");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccess$/);
  });

  test("a tampered callback (state and PKCE cookies dropped) ends on an error page with no session", async ({
    page,
    context,
  }) => {
    await openIdpLogin(page);
    const appCookies = (await context.cookies()).filter((c) => c.domain === "localhost").map((c) => c.name);
    expect(appCookies).toEqual(expect.arrayContaining(["authjs.state", "authjs.pkce.code_verifier"]));
    await context.clearCookies({ domain: "localhost" });

    await page.getByLabel("Email", { exact: true }).fill(people.employee.email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin\/error\?error=Configuration$/);
    await expect(page.getByRole("heading", { name: "Sign-in could not be completed" })).toBeVisible();
    expect((await context.cookies()).map((c) => c.name)).not.toContain("authjs.session-token");
    await page.goto("/access");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("refuses a person who is not Active, and someone with no identity", async ({ page, context }) => {
    await signInWithOidc(page, people.terminated.email);
    await expect(page).toHaveURL(/\/signin\/error\?error=AccessDenied$/);
    await expect(page.getByRole("heading", { name: "You cannot sign in to Clearance" })).toBeVisible();

    // Forget the IdP's own session so that it asks who is signing in again.
    await context.clearCookies({ domain: "127.0.0.1" });
    await signInWithOidc(page, "stranger@elsewhere.example");
    await expect(page).toHaveURL(/\/signin\/error\?error=AccessDenied$/);
    await page.goto("/access");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("refuses an email the identity provider has not verified, even an IT admin's", async ({ page }) => {
    await openIdpLogin(page);
    await page.getByLabel("Email", { exact: true }).fill(people.itAdmin.email);
    await page.getByLabel("Email verified").uncheck();
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin\/error\?error=AccessDenied$/);
  });

  test("signing out ends the session for every copy of its cookie", async ({ page, browser }) => {
    await signInWithOidc(page, people.employee.email);
    await expect(page).toHaveURL(/\/access$/);
    const copied = (await page.context().cookies()).filter((c) => c.name === "authjs.session-token");
    expect(copied).toHaveLength(1);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin$/);

    const other = await browser.newContext({ baseURL: page.url().replace(/\/signin$/, "") });
    await other.addCookies(copied);
    const stolen = await other.newPage();
    await stolen.goto("/access");
    await expect(stolen).toHaveURL(/\/signin\?callbackUrl=%2Faccess&ended=1$/);
    await expect(stolen.getByText("Your session has ended")).toBeVisible();
    const api = await stolen.request.get("/api/trpc/me.profile");
    expect(api.status()).toBe(401);
    await other.close();
  });

  test("the development sign-in lists the seeded organization and signs in without a password", async ({ page }) => {
    await page.goto("/signin");
    await expect(page.getByRole("heading", { name: "Development sign-in" })).toBeVisible();
    await page.getByLabel("Find a person").fill("Internal Auditor");
    await page.getByRole("button", { name: "Sign in as Grace Liu" }).click();
    await expect(page).toHaveURL(/\/access$/);
    await expect(page.getByTestId("signed-in-person")).toHaveText("Grace Liu");
  });

  test("returns a person to the page they asked for", async ({ page }) => {
    await page.goto("/identities?q=chen");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    await page.getByRole("button", { name: "Continue with Test IdP" }).click();
    await page.getByLabel("Email", { exact: true }).fill(people.itAdmin.email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/identities\?q=chen$/);
  });
});
