import { expect, people, test } from "./fixtures";

/** Issue 15, point 4: IT's home is the work queue; everyone else's is still My access or the inbox. */
test("an IT admin lands on the work queue, which lists what waits for IT", async ({ page, signInAs }) => {
  await signInAs(people.itAdmin.email);
  await expect(page).toHaveURL(/\/work$/);
  await expect(page.getByRole("heading", { name: "Work queue", level: 1 })).toBeVisible();
  for (const queue of [
    "Manual tasks",
    "Failed operations",
    "Plans held for review",
    "Drift findings",
    "Extensions waiting",
    "Exceptions expiring this week",
  ])
    await expect(page.getByRole("heading", { name: new RegExp(`^${queue}`) })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Work queue" }),
  ).toHaveAttribute("aria-current", "page");
});
