import { expect, people, test } from "./fixtures";

/** Issue 15, point 8: IT adds someone no HR feed has sent yet, without SQL. */
test("IT adds a person by hand, who then has a page with their attributes", async ({ page, signInAs }) => {
  await signInAs(people.itAdmin.email);
  await page.goto("/identities");
  await page.getByRole("link", { name: "Add a person" }).click();
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Email", { exact: true }).fill("dana.contractor@company.com");
  await form.getByLabel("Name", { exact: true }).fill("Dana Contractor");
  await form.getByLabel("Department").fill("Engineering");
  await form.getByLabel("Employment type").fill("Contractor");
  await form.getByLabel(/^Why by hand/).fill("Starts Monday; HR adds contractors next month");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(page).toHaveURL(/\/identities\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Dana Contractor" })).toBeVisible();
  await expect(page.getByText("Engineering").first()).toBeVisible();

  // The same email again: refused, naming it.
  await page.goto("/identities/new");
  await form.getByLabel("Email", { exact: true }).fill("dana.contractor@company.com");
  await form.getByLabel("Name", { exact: true }).fill("Dana Again");
  await form.getByLabel(/^Why by hand/).fill("A second try");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByRole("alert")).toContainText(
    "Another identity already has the email dana.contractor@company.com",
  );
});
