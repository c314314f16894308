import { expect, openReady, people, test } from "./fixtures";

const resource = "aws:role:prod-readonly";

test.describe.configure({ mode: "serial" });

test("a resource outside the catalog: the aws fallback opens a request, the manager approves, IT does the manual grant, Sarah sees it counting down and gives it back", async ({
  page,
  context,
  signInAs,
}) => {
  // One story over four sign-ins and a background job: its own limit, for slow, busy machines.
  test.setTimeout(120_000);
  // Sarah names a resource no form offers; the namespace fallback opens its request form.
  await signInAs(people.employee.email);
  await openReady(page, "/request");
  await page.getByLabel("Resource").fill(resource);
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(page).toHaveURL(/\/request\/fallback-aws-request-fallback-/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(resource);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByText("4 hours", { exact: true }).click();
  await page
    .getByLabel("Why do you need it?")
    .fill("Checking the production replica's numbers for a customer escalation today.");
  await page.getByLabel(/Purpose/).fill("customer escalation");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestUrl = new URL(page.url()).pathname;
  const number = (await page.getByRole("heading", { level: 1 }).textContent())!.match(/REQ-\d+/)![0];

  // Her manager, the fallback's approver, approves.
  await context.clearCookies();
  await signInAs(people.approver.email);
  await openReady(page, requestUrl);
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("button", { name: `Approve ${number}` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("approved");

  // AWS has no API here: IT gets a task, does it, and marks it done; the exception becomes active.
  await context.clearCookies();
  await signInAs(people.itAdmin.email);
  const task = page.getByRole("listitem").filter({ hasText: `grant ${resource} to ${people.employee.email}` });
  // The enforcement loop attempts the grant within seconds of the approval; the manual adapter turns it into a task.
  await expect(async () => {
    await openReady(page, "/systems/aws");
    await expect(task).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await task.getByRole("button", { name: "Mark done" }).click();
  await expect(task).toHaveCount(0);
  await openReady(page, "/exceptions");
  const row = page.getByRole("row").filter({ hasText: "Sarah Chen" }).filter({ hasText: resource });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Project");

  // Sarah sees it in My access with its countdown, and gives it back early.
  await context.clearCookies();
  await signInAs(people.employee.email);
  await openReady(page, "/access");
  const temporary = page
    .getByRole("list", { name: "Temporary access" })
    .getByRole("listitem")
    .filter({ hasText: resource });
  await expect(temporary).toContainText(/expires in (3|4) hours/);
  await temporary.getByRole("button", { name: "Give back…" }).click();
  await page.getByRole("button", { name: "Give it back now" }).click();
  await expect(temporary).toHaveCount(0);

  // IT sees it ended, its removal waiting on a task.
  await context.clearCookies();
  await signInAs(people.itAdmin.email);
  await openReady(page, "/exceptions?status=ended");
  await expect(page.getByRole("row").filter({ hasText: "Sarah Chen" }).filter({ hasText: resource })).toContainText(
    "Removing",
  );
});

test("a resource the fallbacks refuse: the message of the namespace deny is shown", async ({ page, signInAs }) => {
  await signInAs(people.employee.email);
  await openReady(page, "/request");
  await page.getByLabel("Resource").fill("postgres:role:prod_rw");
  await page.getByRole("button", { name: "Ask" }).click();
  const denied = page.getByRole("alert").filter({ hasText: "Denied by" });
  await expect(denied).toContainText("Denied by production-postgres-deny");
  await expect(denied).toContainText("Production database access requires an explicit policy.");
});
