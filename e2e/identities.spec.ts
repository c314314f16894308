import { expect, people, test } from "./fixtures";

test.describe("the identity directory (IT admin)", () => {
  test.beforeEach(async ({ signInAs }) => {
    await signInAs(people.itAdmin.email);
  });

  test("searches, filters, sorts and pages on the server", async ({ page }) => {
    await page.goto("/identities");
    const rows = page.locator("tbody tr");
    await expect(rows).toHaveCount(25);
    await expect(page.getByText(/Showing 1–25 of \d{3} people/)).toBeVisible();

    // "/" focuses the search once the page is interactive: a key pressed before hydration does nothing.
    await expect(async () => {
      await page.keyboard.press("/");
      await expect(page.getByLabel(/Search/)).toBeFocused({ timeout: 1_000 });
    }).toPass();
    await page.keyboard.type("sarah");
    await expect(page).toHaveURL(/q=sarah/);
    await expect(rows.first()).toContainText("Sarah Chen");

    // Clearing the search and picking a department at once: the late search must not undo the filter.
    await page.getByLabel(/Search/).fill("");
    await page.getByLabel("Department").selectOption("Legal");
    await expect(page).toHaveURL(/department=Legal/);
    await page.waitForTimeout(400);
    await expect(page).toHaveURL(/department=Legal/);
    await expect
      .poll(async () => [...new Set(await rows.locator("td:nth-child(2)").allTextContents())])
      .toEqual(["Legal"]);

    await page.getByRole("button", { name: "Hired" }).click();
    await expect(page).toHaveURL(/sort=hire_date/);
    await page.getByRole("button", { name: "Hired" }).click();
    await expect(page).toHaveURL(/department=Legal&sort=hire_date&dir=desc/);
    await expect
      .poll(async () => {
        const dates = await rows.locator("td:nth-child(6)").allTextContents();
        return dates.length > 1 && dates.join() === [...dates].sort().reverse().join();
      })
      .toBe(true);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText(/Showing 26–50 of/)).toBeVisible();
  });

  test("shows nobody with a clear empty state", async ({ page }) => {
    await page.goto("/identities?q=no-such-person-anywhere");
    await expect(page.getByText("Nobody matches these filters")).toBeVisible();
  });

  test("opens a person with attributes, manager link and attribute history", async ({ page }) => {
    await page.goto("/identities?q=sarah.chen");
    await page.getByRole("link", { name: "Sarah Chen" }).click();
    await expect(page.getByRole("heading", { name: "Sarah Chen" })).toBeVisible();
    await expect(page.locator('[data-attribute="job_title"] dd')).toHaveText("Sales Engineer");
    const history = page.locator("section", { hasText: "Attribute history" });
    await expect(history.locator("tbody tr").first()).toContainText("Team");
    await expect(history.locator("tbody tr").first()).toContainText("Mid-Market");
    await page.getByRole("link", { name: "John Doe" }).click();
    await expect(page.getByRole("heading", { name: "John Doe" })).toBeVisible();
  });

  test("an unknown person is a 404", async ({ page }) => {
    const res = await page.goto("/identities/00000000-0000-4000-8000-000000000000");
    expect(res?.status()).toBe(404);
    await expect(page.getByText("There is nothing at this address")).toBeVisible();
  });
});
