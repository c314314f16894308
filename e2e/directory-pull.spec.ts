import { expect, openReady, people, test } from "./fixtures";

/**
 * Issue 16, points 3 and 5 as IT lives them: connect Okta (a local org written to Okta's API
 * reference), test the connection, pull now, and find the pulled people with who set each
 * attribute; then narrow what the source owns.
 */
test("IT connects Okta, pulls it, finds its people with where each attribute came from, and narrows what Okta owns", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(90_000);
  await signInAs(people.itAdmin.email);
  await openReady(page, "/identities/hr-sources");

  const form = page.getByRole("form", { name: "Connect a directory" });
  await form.getByLabel("Directory").selectOption("okta");
  await form.getByLabel("Source key").fill("okta-e2e");
  await form.getByLabel("Source name").fill("Okta (e2e)");
  await form.getByLabel("Org URL").fill(`http://127.0.0.1:${process.env.E2E_OKTA_PORT}`);
  await form.getByLabel("Variable holding the API token").fill("AUTH_SECRET");
  await form.getByRole("button", { name: "Connect directory" }).click();
  await expect(form.getByRole("alert")).toContainText("settings.tokenEnv");
  await form.getByLabel("Variable holding the API token").fill("E2E_OKTA_TOKEN");
  await form.getByRole("button", { name: "Connect directory" }).click();
  await expect(form.getByRole("status")).toContainText("Connected");

  const pull = page.locator("[data-pull='okta-e2e']");
  await expect(pull).toContainText("Okta (e2e)");
  await pull.getByRole("button", { name: "Test connection" }).click();
  await expect(pull.getByRole("status")).toContainText("users and groups can be read");
  await pull.getByRole("button", { name: "Sync now" }).click();
  // the pull runs after the answer: the page shows its outcome once it has finished
  await expect(async () => {
    await page.reload();
    await expect(pull).toContainText("last pull ok", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(pull).toContainText("12 hired");

  await openReady(page, "/identities?q=okta.user0%40company.com");
  await page.getByRole("link", { name: "Okta User 0" }).click();
  const groups = page.locator("[data-attribute='groups']");
  await expect(groups).toContainText("platform-oncall");
  await expect(groups).toContainText("Set by directory pull · okta-e2e");
  await expect(page.locator("[data-attribute='department']")).toContainText("Engineering");

  await openReady(page, "/identities/hr-sources");
  const ownership = page.getByRole("list", { name: "Attribute ownership" });
  const okta = ownership.getByRole("listitem").filter({ hasText: "Okta (e2e)" });
  await okta.getByRole("button", { name: "Change what Okta (e2e) owns" }).click();
  await okta.getByLabel("Every attribute, including ones added later").uncheck();
  for (const label of ["Job title", "Employment type", "Employment status"])
    await okta.getByLabel(label, { exact: true }).uncheck();
  await okta.getByRole("button", { name: "Save" }).click();
  await expect(okta.locator("[data-owned]")).toContainText("Department");
  await expect(okta.locator("[data-owned]")).not.toContainText("Job title");
  await page.screenshot({ path: "/tmp/hr-sources.png", fullPage: true });
});
