import { expect, people, test } from "./fixtures";

/** Issue 15, point 5: IT grants and removes portal roles on a page, with a reason, no SQL. */
test("IT makes Sarah an auditor and takes it back after a confirmation", async ({ page, signInAs }) => {
  await signInAs(people.itAdmin.email);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Portal roles" }).click();
  await expect(page.getByRole("heading", { name: "Portal roles", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "Grant a portal role" });
  await form.getByLabel("Their email").fill(people.employee.email);
  await form.getByLabel("Role").selectOption("auditor");
  await form.getByLabel(/^Why/).fill("Quarter-end access review");
  await form.getByRole("button", { name: "Grant" }).click();
  await expect(form.getByRole("status")).toHaveText("Sarah Chen is now auditor.");
  const auditors = page.getByRole("list", { name: "Auditors" });
  await expect(auditors).toContainText("Sarah Chen");

  await auditors.getByRole("button", { name: "Remove auditor from Sarah Chen" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove auditor from Sarah Chen?" });
  await expect(dialog.getByRole("button", { name: "Remove" })).toBeDisabled();
  await dialog.getByLabel(/^Why/).fill("The review is over");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(auditors).not.toContainText("Sarah Chen");
});
