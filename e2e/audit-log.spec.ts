import { expect, people, test } from "./fixtures";

test("an auditor reads the audit log and verifies the chain", async ({ page, signInAs }) => {
  await signInAs(people.auditor.email);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await page.getByLabel("Action").selectOption("auth.signed_in");
  await expect(page.locator("tbody tr").first()).toContainText(people.auditor.email);
  await page.getByRole("button", { name: "Write checkpoint now" }).click();
  await expect(page.getByText(/^Checkpoint of .*: \d+ events ending at #\d+, written to directory /)).toBeVisible();
  await page.getByRole("button", { name: "Verify audit chain" }).click();
  await expect(page.getByText(/Chain verified: all \d+ events link up\./)).toBeVisible();
  await expect(page.getByText(/^Agrees with the checkpoint of .* events\) in directory /)).toBeVisible();
});

test("an IT admin opens the audit events about one person from their page", async ({ page, signInAs }) => {
  await signInAs(people.itAdmin.email);
  await page.goto("/identities?q=priya");
  await page.getByRole("link", { name: "Priya Raman" }).click();
  await page.getByRole("link", { name: "Audit events about Priya Raman" }).click();
  await expect(page).toHaveURL(/\/audit\?subject=/);
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toContainText("auth.signed_in");
  await expect(rows.first().getByRole("link", { name: "Priya Raman" })).toBeVisible();
  await page.getByRole("button", { name: /show all/ }).click();
  await expect(page).toHaveURL(/\/audit$/);
});

test("a refused sign-in can be found by the email that was tried", async ({ page, signInAs }) => {
  await page.goto("/signin");
  await page.getByLabel("Find a person").fill("Tom Becker");
  await page.getByRole("button", { name: "Sign in as Tom Becker" }).click();
  await expect(page).toHaveURL(/error=AccessDenied/);
  await signInAs(people.auditor.email);
  await page.goto("/audit?q=tom.becker");
  await expect(page.locator("tbody tr").first()).toContainText("auth.sign_in_refused");
  await expect(page.locator("tbody tr").first()).toContainText("employment status is Terminated, not Active");
});
