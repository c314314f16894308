import type { Page } from "@playwright/test";
import { expect, openReady, people, test } from "./fixtures";

/** Issue 15, point 3: a setup checklist for IT, on the work queue until dismissed, always under Setup checklist. */
const item = (page: Page, title: string) =>
  page.getByRole("list", { name: "Setup checklist" }).getByRole("listitem", { name: title, exact: true });

test("IT follows the setup checklist from the work queue, saves the time zone, dismisses it and brings it back", async ({
  page,
  signInAs,
}) => {
  await signInAs(people.itAdmin.email);
  await expect(page).toHaveURL(/\/work$/);
  const card = page.getByRole("region", { name: /^Setup: \d of 8 done$/ });
  await expect(card).toBeVisible();
  await card.getByRole("link", { name: "Continue setup →" }).click();
  await expect(page.getByRole("heading", { name: "Setup checklist", level: 1 })).toBeVisible();

  // The demo organization: sign-in (OIDC), SMTP, resources, policies and templates are there, and
  // nobody has saved the organization's time zone. (Whether a system has a working adapter depends
  // on the specs before this one: lifecycle and resources connect one to slapd.)
  for (const title of ["Sign-in", "Resources", "A first policy", "A first request template", "Email (SMTP)"])
    await expect(item(page, title)).toContainText("Done");
  await expect(item(page, "A system with a working adapter")).toBeVisible();
  const zone = item(page, "The organization's time zone");
  await expect(zone).toContainText("To do");
  await expect(item(page, "Sign-in")).toContainText("People sign in through Test IdP (OIDC)");

  // Dismissed: gone from the work queue, still in the menu.
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Dismiss from the work queue" }).click();
  await expect(page.getByRole("button", { name: "Show on the work queue again" })).toBeVisible();
  await openReady(page, "/work");
  await expect(page.getByRole("heading", { name: "Work queue", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: /^Setup:/ })).toHaveCount(0);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Setup checklist" }).click();
  await expect(page.getByText("Dismissed from the work queue")).toBeVisible();

  // Shown again, as other tests expect.
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Show on the work queue again" }).click();
  await expect(page.getByRole("button", { name: "Dismiss from the work queue" })).toBeVisible();
  await openReady(page, "/work");
  await expect(page.getByRole("region", { name: /^Setup: \d of 8 done$/ })).toBeVisible();

  // Each item links to its page: the time zone is saved there, and the item is done (last: with
  // the specs before this one, it may be the last item, and a finished checklist has no dismiss).
  await openReady(page, "/setup");
  await zone.getByRole("link", { name: "Organization time zone" }).click();
  await expect(page).toHaveURL(/\/exceptions\/settings$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("Zone", { exact: true }).fill("UTC");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await openReady(page, "/setup");
  await expect(zone).toContainText("Done");
  await expect(zone).toContainText("end at midnight in UTC");
});

test("the checklist is IT's only", async ({ page, signInAs }) => {
  await signInAs(people.auditor.email);
  await expect(
    page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Setup checklist" }),
  ).toHaveCount(0);
  expect((await page.goto("/setup"))?.status()).toBe(403);
});
