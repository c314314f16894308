import { expect, openReady, people, test } from "./fixtures";

test.describe("CSV import and aliases (IT admin)", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(people.itAdmin.email);
  });

  test("previews a CSV with its errors, then applies it after confirmation", async ({ page }) => {
    await openReady(page, "/identities");
    await page.getByRole("link", { name: "Import CSV" }).click();
    await expect(page.getByRole("heading", { name: "Import identities" })).toBeVisible();
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });

    const header = "external_id,email,display_name,department,job_title,manager,hire_date,employment_status";
    const nina =
      "nina.patel,nina.patel@company.com,Nina Patel,Sales Dept,Account Executive,john.doe@company.com,2026-12-01,Active";
    await page
      .getByLabel("Or paste CSV")
      .fill(`${header}\n${nina}\nbob.x,bob.x@company.com,Bob X,Sales,Sales Engineer,,2026-02-31,Active\n`);
    await page.getByRole("button", { name: "Preview" }).click();
    const errors = page.getByRole("table", { name: "Errors in the file" });
    await expect(errors.getByRole("row").filter({ hasText: "hire_date" })).toContainText("3");
    await expect(page.getByRole("button", { name: "Apply 1 change" })).toBeDisabled();

    await page.getByLabel("Or paste CSV").fill(`${header}\n${nina}\n`);
    await expect(page.getByText("The file changed since this preview")).toBeVisible();
    await page.getByRole("button", { name: "Preview" }).click();
    const changes = page.getByRole("table", { name: "Changes the import would make" });
    await expect(changes.getByRole("row").filter({ hasText: "Department" })).toContainText("Sales Dept");
    await expect(page.getByRole("table", { name: "Values no policy or alias knows" })).toContainText("Sales Dept");

    await page.getByRole("button", { name: "Apply 1 change" }).click();
    const dialog = page.getByRole("dialog", { name: "Apply 1 change?" });
    await dialog.getByRole("button", { name: "Apply" }).press("Enter");
    await expect(page.getByText("Import applied")).toBeVisible();
    await page.getByRole("link", { name: "Go to identities" }).click();
    await page.getByLabel(/Search/).fill("nina patel");
    await expect(page.locator("tbody tr").first()).toContainText("Sales Dept");
  });

  // Nina Patel, imported above, is the one person whose department is "Sales Dept".
  test("adds an alias from the unknown-values report, then removes it after confirmation", async ({ page }) => {
    await openReady(page, "/identities/aliases");
    const report = page.getByRole("table", { name: "HR values no policy or alias knows" });
    await report.getByRole("button", { name: "Add alias for Sales Dept…" }).click();
    await expect(page.getByLabel("As HR spells it")).toHaveValue("Sales Dept");
    await expect(page.getByLabel("Means (the value policies use)")).toHaveValue("Sales");
    await expect(report.getByRole("row").filter({ hasText: "Sales Dept" })).toContainText(
      "Evidence: contains all of “Sales”, plus “Dept”",
    );
    // Issue 12 point 11: the alias's evidence and impact are shown before it is saved.
    await page.getByRole("button", { name: "Add alias…", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Add the alias “Sales Dept” → “Sales”?" });
    await expect(dialog.getByTestId("alias-preview")).toContainText(
      "Evidence it is a spelling of “Sales”: contains all of “Sales”, plus “Dept”.",
    );
    const impact = dialog.getByTestId("impact-preview");
    await expect(impact).toContainText(/1 person affected: \+\d+ grants?, −0 grants/);
    await expect(impact.getByRole("row", { name: /Nina Patel/ })).toContainText("gains salesforce:license:user");
    await dialog.getByRole("button", { name: "Add alias", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "now means" })).toBeVisible();

    const aliases = page.getByRole("table", { name: "Aliases" });
    await expect(aliases.getByRole("row").filter({ hasText: "Sales Dept" })).toContainText("1");
    await expect(report.getByRole("row").filter({ hasText: "Sales Dept" })).toHaveCount(0);

    await page.getByLabel("As HR spells it").fill("sales dept");
    await page.getByLabel("Means (the value policies use)").fill("Marketing");
    await page.getByRole("button", { name: "Add alias…", exact: true }).click();
    const refused = page.getByRole("dialog", { name: "Add the alias “sales dept” → “Marketing”?" });
    await expect(refused.getByRole("alert")).toContainText(
      'raw: there is already an alias for department "Sales Dept"',
    );
    await expect(refused.getByRole("button", { name: "Add alias", exact: true })).toBeDisabled();
    await refused.getByRole("button", { name: "Cancel" }).click();

    await aliases.getByRole("button", { name: "Remove the alias Sales Dept…" }).click();
    await page
      .getByRole("dialog", { name: "Remove the alias “Sales Dept”?" })
      .getByRole("button", { name: "Remove alias" })
      .click();
    await expect(aliases.getByRole("row").filter({ hasText: "Sales Dept" })).toHaveCount(0);
  });
});
