import { startSlapd, type Slapd } from "../test/support/slapd";
import { expect, openReady, people, test } from "./fixtures";

/**
 * Issue 15, point 7: IT builds a system's resource catalog in the product, no SQL: discovered
 * from the directory (a real slapd), added by hand with owners, edited, imported from a CSV with a
 * preview, and removed after a confirmation.
 */
let slapd: Slapd;

test.beforeAll(async () => {
  slapd = await startSlapd();
  await slapd.addGroup("vpn-staff");
});
test.afterAll(async () => {
  await slapd?.stop();
});

test("IT discovers a directory's groups, adds and edits resources, imports a CSV and removes one", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(120_000);
  await signInAs(people.itAdmin.email);

  // A directory system on the test's slapd, its connection tested before it is saved.
  await openReady(page, "/systems/new");
  const form = page.getByRole("form", { name: "New system" });
  await form.getByLabel("Key").fill("e2e-directory");
  await form.getByLabel("Name", { exact: true }).fill("E2E directory");
  await form.getByLabel("Access levels, lowest first").fill("member");
  await form.getByLabel("Adapter").selectOption("ldap");
  await form.getByLabel(/^Settings \(JSON/).fill(
    JSON.stringify({
      url: slapd.url,
      bindDn: slapd.bindDn,
      bindPassword: slapd.bindPassword,
      groupBaseDn: slapd.groupBaseDn,
      userDnTemplate: slapd.userDnTemplate,
    }),
  );
  await form.getByRole("button", { name: "Add system" }).click();
  await expect(page).toHaveURL(/\/systems\/e2e-directory$/);
  await page.getByRole("link", { name: "Manage the resource catalog" }).click();
  await expect(page.getByRole("heading", { name: "E2E directory: resources" })).toBeVisible();
  await expect(page.getByText("No resources yet")).toBeVisible();

  // Discovery: both groups of the directory are new; IT adds one.
  await page.getByRole("button", { name: "Discover from the system" }).click();
  await expect(page.getByText("2 new, 0 no longer in the system")).toBeVisible();
  await page.getByRole("checkbox", { name: /e2e-directory:group:finance-reports@company.com/ }).uncheck();
  await page.getByRole("button", { name: "Add 1 to the catalog" }).click();
  const catalog = page.getByRole("list", { name: "Resources" });
  await expect(catalog.getByText("e2e-directory:group:vpn-staff", { exact: true })).toBeVisible();

  // By hand, with two owners and a sensitivity.
  const add = page.getByRole("form", { name: "Add a resource" });
  await add.getByLabel("Name in the system").fill("payroll-admins");
  await add.getByLabel("Display name").fill("Payroll administrators");
  await add.getByLabel("Owners").fill("cfo@company.com, nobody@company.com");
  await add.getByLabel("Sensitivity").selectOption("critical");
  await add.getByRole("button", { name: "Add resource" }).click();
  await expect(add.getByRole("alert")).toContainText("nobody has the email nobody@company.com");
  await add.getByLabel("Owners").fill("cfo@company.com, alice@company.com");
  await add.getByRole("button", { name: "Add resource" }).click();
  const payroll = catalog.getByRole("listitem").filter({ hasText: "Payroll administrators" });
  await expect(payroll).toContainText("Owners: alice@company.com, cfo@company.com");
  await expect(payroll).toContainText("critical");

  // Edit: one owner left, and no longer requestable.
  await payroll.getByRole("button", { name: "Edit e2e-directory:group:payroll-admins" }).click();
  const edit = page.getByRole("form", { name: "Edit payroll-admins" });
  await edit.getByLabel("Owners").fill("cfo@company.com");
  await edit.getByLabel("People may ask for it in the portal").uncheck();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(payroll).toContainText("Owners: cfo@company.com");
  await expect(payroll).toContainText("not requestable");

  // A CSV: a bad row is named by line and nothing is kept; fixed, previewed, imported.
  await page.getByLabel("Or paste CSV").fill("type,name,sensitivity\ngroup,wiki-editors,low\ngroup,helpdesk,urgent");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert", { name: "Problems in the file" })).toContainText(
    "Line 3, sensitivity: low, medium, high or critical",
  );
  await page.getByLabel("Or paste CSV").fill("type,name,sensitivity\ngroup,wiki-editors,low\ngroup,helpdesk,high");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("Preview: nothing is saved until you import.")).toBeVisible();
  await expect(catalog.getByText("e2e-directory:group:helpdesk", { exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Import 2 changes" }).click();
  await expect(page.getByText("Imported: 2 changes.")).toBeVisible();
  await expect(catalog.getByText("e2e-directory:group:helpdesk", { exact: true })).toBeVisible();

  // Remove, after a confirmation with a reason.
  await catalog
    .getByRole("listitem")
    .filter({ hasText: "e2e-directory:group:wiki-editors" })
    .getByRole("button", { name: "Remove e2e-directory:group:wiki-editors" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Remove e2e-directory:group:wiki-editors from the catalog?" });
  await expect(dialog.getByRole("button", { name: "Remove" })).toBeDisabled();
  await dialog.getByLabel(/^Why/).fill("The wiki moved to Notion");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(catalog.getByText("e2e-directory:group:wiki-editors", { exact: true })).toHaveCount(0);
});
