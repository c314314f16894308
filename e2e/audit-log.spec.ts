import { expect, people, test } from "./fixtures";

test("an auditor reads the audit log and verifies the chain", async ({ page, signInAs }) => {
  await signInAs(people.auditor.email);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await page.getByLabel("Action").selectOption("auth.signed_in");
  await expect(page.locator("tbody tr").first()).toContainText(people.auditor.email);
  await page.getByRole("button", { name: "Verify audit chain" }).click();
  await expect(page.getByText(/Chain verified: all \d+ events link up\./)).toBeVisible();
});
