import type { Page } from "@playwright/test";
import { expect, openReady, people, test } from "./fixtures";

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

test("an extension is marked as one in the inbox", async ({ page, context, signInAs }) => {
  // Three sign-ins and a background grant: its own limit, for slow, busy machines.
  test.setTimeout(120_000);
  const resource = "google:group:finance-reports@company.com";
  // Google has no API here: IT does the grant by hand, and Alice's exception becomes active.
  await signInAs(people.itAdmin.email);
  const task = page.getByRole("listitem").filter({ hasText: `grant ${resource} to alice@company.com` });
  await expect(async () => {
    await openReady(page, "/systems/google");
    await expect(task).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await task.getByRole("button", { name: "Mark done" }).click();
  await expect(task).toHaveCount(0);

  // Alice asks for more time.
  await context.clearCookies();
  await signInAs("alice@company.com");
  await openReady(page, "/access");
  const held = page.getByRole("list", { name: "Temporary access" }).getByRole("listitem").filter({ hasText: resource });
  await held.getByRole("link", { name: "Request extension" }).click();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("Why do you need it?").fill("The year-end close runs two weeks longer than planned.");
  await page.getByRole("button", { name: "Ask for the extension" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);

  // The CFO sees it in the inbox, marked as an extension.
  await context.clearCookies();
  await signInAs("cfo@company.com");
  await openReady(page, "/inbox");
  await fitsTheWidth(page);
  const row = page
    .getByRole("table", { name: "Requests waiting for you" })
    .getByRole("row")
    .filter({ hasText: "Alice Moreno asks for Finance reports" });
  await expect(row.getByText("Extension", { exact: true })).toBeVisible();
  // Decided, so the inbox is empty again for the specs after this one (requests.spec.ts counts it).
  await row.getByRole("link", { name: /REQ-\d+/ }).click();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Deny" }).click();
  await page.getByLabel(/^Why/).fill("The close ends on schedule this year.");
  await page.getByRole("button", { name: /^Deny REQ-\d+$/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("denied");
});
