import type { Page } from "@playwright/test";
import { expect, openReady, test } from "./fixtures";

// An iPhone 12-14 sized screen: pages fit its width, and the navigation is behind a Menu button.
test.use({ viewport: { width: 390, height: 844 } });
test.describe.configure({ mode: "serial" });

async function fitsTheWidth(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

test("on a phone: the menu opens and closes with the keyboard, and a request form fits", async ({ page, signInAs }) => {
  // Alice, not Sarah: the seed 000 story in requests.spec.ts has Sarah ask for finance-reports, which she would hold after this.
  await signInAs("alice@company.com");
  await fitsTheWidth(page); // My access
  await expect(page.getByRole("navigation", { name: "Sections" })).toBeHidden();
  const menu = page.getByRole("button", { name: "Menu" });
  await menu.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Menu" });
  await expect(dialog.getByRole("navigation", { name: "Sections" })).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await dialog.getByRole("link", { name: "Request access" }).click();
  await expect(page).toHaveURL(/\/request$/);
  await expect(dialog).toBeHidden();
  await fitsTheWidth(page);

  await openReady(page, "/request/finance-reports");
  await fitsTheWidth(page);
  await page.getByText("6 weeks", { exact: true }).click();
  await page
    .getByLabel("Why do you need it?")
    .fill("Year-end close: reconcile the commission reports with Finance, read only.");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await fitsTheWidth(page);
});

test("on a phone: the CFO finds the request in the inbox and approves it", async ({ page, signInAs }) => {
  await signInAs("cfo@company.com");
  await fitsTheWidth(page); // My access
  await openReady(page, "/inbox");
  await fitsTheWidth(page);
  const row = page
    .getByRole("table", { name: "Requests waiting for you" })
    .getByRole("row")
    .filter({ hasText: "Alice Moreno asks for Finance reports" });
  await row.getByRole("link", { name: /REQ-\d+/ }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await fitsTheWidth(page);
  const heading = page.getByRole("heading", { level: 1 });
  await page.getByRole("button", { name: "Approve" }).click();
  await fitsTheWidth(page);
  await page.getByRole("button", { name: /^Approve REQ-\d+$/ }).click();
  await expect(heading).toContainText("approved");
  await fitsTheWidth(page);
});
