import { expect, openReady, people, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

// Seed 000, pattern 5, through the browser: the template sets vendor restrictions within its type's
// limit, the requester names the ranges, the approver sees them.
test("a vendor template's restrictions and its type's limit in the editor; a bad draft is refused naming the field", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(60_000);
  await signInAs(people.itAdmin.email);
  await openReady(page, "/templates/vendor-security-audit");
  await expect(page.getByText(/Vendor exceptions last at most 180 days/)).toBeVisible();
  const restrictions = page.getByRole("group", { name: "Vendor restrictions" });
  await expect(restrictions.getByLabel("MFA required")).toBeChecked();
  await expect(restrictions.getByLabel(/The requester names/)).toBeChecked();

  // Longer than the type allows: flagged while editing, refused at save with the field named.
  await page.getByLabel("New duration: amount").fill("27");
  await page.getByLabel("New duration: unit").selectOption("weeks");
  await page.getByRole("button", { name: "Add duration" }).click();
  await page.getByLabel("Maximum duration: amount").fill("27");
  await expect(page.getByRole("alert").filter({ hasText: "shorten the durations" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Durations offered" })).toContainText("27 weeks(over the limit)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "definition.durations.3" })).toContainText(
    "27 weeks is longer than vendor exceptions last at most 180 days",
  );
  await page.getByRole("button", { name: "Remove 27 weeks" }).click();
  await page.getByLabel("Maximum duration: amount").fill("8");

  // Neither MFA nor an IP allow list: refused, naming the restriction.
  await restrictions.getByLabel("MFA required").uncheck();
  await restrictions.getByLabel("None").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "definition.restrictions.mfaRequired" })).toContainText(
    "vendor access needs MFA, an IP allow list, or both",
  );

  await restrictions.getByLabel("MFA required").check();
  await restrictions.getByLabel(/The requester names/).check();
  await page.getByLabel("At most").fill("2");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/templates$/);
});

test("the requester names the vendor's ranges; the approver sees the restrictions in the inbox and on the request", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(60_000);
  await signInAs(people.employee.email);
  await openReady(page, "/request/vendor-security-audit");
  const box = page.getByText("This access comes with restrictions").locator("..");
  await expect(box.getByRole("list", { name: "Restrictions" })).toContainText("MFA required");
  await expect(box.getByRole("list", { name: "Restrictions" })).toContainText("sessions end after 8 hours");
  await page.getByText("1 week", { exact: true }).click();
  await page.getByLabel("Starting").fill("2030-01-06T09:00");
  await page
    .getByLabel("Why do you need it?")
    .fill("Annual security audit by Acme Security Consulting, read-only access");
  await page.getByLabel(/Contract or statement of work/).fill("CTR-2024-089");
  await page.getByLabel(/IP addresses or ranges/).fill("0.0.0.0/0");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "0.0.0.0/0" })).toContainText("0.0.0.0/0 is too broad");
  await page.getByLabel(/IP addresses or ranges/).fill("203.0.113.0/24");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("list", { name: "Restrictions" })).toContainText("only from 203.0.113.0/24");
  const requestUrl = new URL(page.url()).pathname;

  await page.context().clearCookies();
  await signInAs(people.approver.email);
  await openReady(page, "/inbox");
  const row = page.getByRole("row").filter({ hasText: "asks for Vendor: security audit" });
  await expect(row.getByRole("list", { name: "Restrictions" })).toContainText("MFA required");
  await expect(row.getByRole("list", { name: "Restrictions" })).toContainText("only from 203.0.113.0/24");
  await openReady(page, requestUrl);
  await expect(page.getByRole("list", { name: "Restrictions" })).toContainText("at most 2 sessions at once");
  // Leave nothing waiting for John in later specs.
  await page.getByRole("group", { name: "Decision" }).getByRole("button", { name: "Deny" }).click();
  await page.getByLabel(/Why \(required/).fill("Not this quarter");
  await page.getByRole("button", { name: /^Deny REQ-/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("denied");
});
