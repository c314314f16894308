import { expect, people, test } from "./fixtures";

/** Issue 15, point 6: IT adds, edits and retires a system in the product, no SQL. */
test.describe("systems (IT admin)", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(people.itAdmin.email);
  });

  test("adds a system after testing its connection, edits its levels and retires it", async ({ page }) => {
    await page.goto("/systems");
    await page.getByRole("link", { name: "Add a system" }).click();
    const form = page.getByRole("form", { name: "New system" });
    await form.getByLabel("Key").fill("badge-printer");
    await form.getByLabel("Name", { exact: true }).fill("Badge printer");
    await form.getByLabel("Description").fill("Prints visitor badges");
    await form.getByLabel("Access levels, lowest first").fill("operator\nadmin");

    // A webhook nobody answers: the test says so, and adding is refused until saved without one on purpose.
    await form.getByLabel("Adapter").selectOption("webhook");
    await form
      .getByLabel(/^Settings \(JSON/)
      .fill('{ "url": "http://127.0.0.1:9/clearance", "secretEnv": "BADGE_PRINTER_SECRET", "timeoutMs": 2000 }');
    await form.getByRole("button", { name: "Test connection" }).click();
    await expect(form.getByRole("status")).toContainText("Not connected");
    await form.getByRole("button", { name: "Add system" }).click();
    await expect(form.getByRole("alert")).toContainText("The connection test failed");

    // The manual adapter always answers: IT does the work by hand.
    await form.getByLabel("Adapter").selectOption("manual");
    await form.getByRole("button", { name: "Test connection" }).click();
    await expect(form.getByRole("status")).toContainText("Connected");
    await form.getByRole("button", { name: "Add system" }).click();

    await expect(page).toHaveURL(/\/systems\/badge-printer$/);
    await expect(page.getByRole("heading", { name: "Badge printer" })).toBeVisible();
    const details = page.getByRole("form", { name: "System details" });
    await details.getByLabel("Access levels, lowest first").fill("viewer\noperator\nadmin");
    await details.getByRole("button", { name: "Save details" }).click();
    await expect(details.getByText("Saved.")).toBeVisible();
    await expect(page.getByText("Levels: viewer < operator < admin")).toBeVisible();

    await page.getByRole("button", { name: "Retire Badge printer…" }).click();
    const dialog = page.getByRole("dialog", { name: "Retire Badge printer?" });
    await expect(dialog.getByRole("button", { name: "Retire" })).toBeDisabled();
    await dialog.getByLabel(/^Why/).fill("The printer was replaced by kiosks");
    await dialog.getByRole("button", { name: "Retire" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Retired" })).toContainText(
      "The printer was replaced by kiosks",
    );

    await page.goto("/systems");
    await expect(page.getByRole("row", { name: /Badge printer/ })).toContainText("retired");
  });
});
