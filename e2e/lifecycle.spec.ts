import { startSlapd, type Slapd } from "../test/support/slapd";
import { expect, openReady, people, test } from "./fixtures";

/**
 * Issue 7 as IT lives it: an HR source and a real LDAP directory connected in the browser, a
 * joiner sent by the HR system, the plan on the person's page carried out in slapd, then a
 * membership added by hand found as drift, explained, and removed from the Drift page.
 */
let slapd: Slapd;
const member = (username: string) => slapd.userDnTemplate.replace("{username}", username);

test.beforeAll(async () => {
  slapd = await startSlapd();
  for (const cn of [
    "ldap:group:engineering",
    "ldap:group:vpn-users",
    "ldap:group:vpn-users (member)",
    "ldap:group:domain-admins",
  ])
    await slapd.addGroup(cn);
});
test.afterAll(async () => {
  await slapd?.stop();
});

test("a joiner from the HR system is provisioned in LDAP; access added by hand shows as drift and is removed", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(120_000);
  await signInAs(people.itAdmin.email);

  // The HR system gets its token (shown once).
  await openReady(page, "/identities/hr-sources");
  await page.getByLabel("Key", { exact: true }).fill("e2e-hris");
  await page.getByLabel("Name", { exact: true }).fill("E2E HRIS");
  await page.getByRole("button", { name: "Add HR source" }).click();
  const token = (await page.getByRole("status").locator("code").first().textContent())!.trim();
  expect(token).toMatch(/^hr_/);

  // The directory system is connected to the test's slapd, one group per resource.
  await openReady(page, "/systems/ldap");
  await page.getByLabel("Adapter", { exact: true }).selectOption("ldap");
  await page.getByLabel(/^Settings \(JSON/).fill(
    JSON.stringify({
      url: slapd.url,
      bindDn: slapd.bindDn,
      bindPassword: slapd.bindPassword,
      groupBaseDn: slapd.groupBaseDn,
      userDnTemplate: slapd.userDnTemplate,
      groupNaming: "resource",
    }),
  );
  await page.getByRole("button", { name: "Save adapter" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  // The HR system sends a joiner.
  const today = new Date().toISOString().slice(0, 10);
  const hired = await page.request.post("/api/hr/events", {
    headers: { authorization: `Bearer ${token}`, "idempotency-key": "e2e-hire-1" },
    data: {
      event: "employee.hired",
      user_id: "maya.lifecycle",
      display_name: "Maya Lifecycle",
      start_date: today,
      job_title: "Software Engineer",
      department: "Engineering",
      team: "Core Engineering",
      location: "New York",
      employment_type: "FTE",
      job_level: "L3",
    },
  });
  expect(hired.status()).toBe(200);

  // Her page shows the joiner plan; the directory step is carried out by the provisioning loop.
  await openReady(page, "/identities?q=maya");
  await page.getByRole("link", { name: "Maya Lifecycle" }).click();
  const plan = page.getByRole("table", { name: /^Steps of PLAN-/ });
  await expect(page.getByText(/PLAN-\d+ · Joiner/)).toBeVisible();
  const engineering = plan.getByRole("row").filter({ hasText: "ldap:group:engineering" });
  await expect(engineering).toContainText("+ add");
  await expect(async () => {
    await page.reload();
    await expect(
      page
        .getByRole("table", { name: /^Steps of PLAN-/ })
        .getByRole("row")
        .filter({ hasText: "ldap:group:engineering" }),
    ).toContainText("done");
  }).toPass({ timeout: 30_000 });
  expect(await slapd.members("ldap:group:engineering")).toContain(member("maya.lifecycle"));

  // Someone adds her to a group by hand, in the directory itself.
  await slapd.addMember("ldap:group:domain-admins", member("maya.lifecycle"));
  await openReady(page, "/drift");
  const directory = page
    .getByRole("table", { name: "Drift by system" })
    .getByRole("row")
    .filter({ hasText: "LDAP directory" });
  await directory.getByRole("button", { name: "Check now" }).click();
  await expect(directory).toContainText("1 excess");
  await page.getByLabel("Kind").selectOption("excess");
  const finding = page
    .getByRole("table", { name: "Drift findings" })
    .getByRole("row")
    .filter({ hasText: "Maya Lifecycle" });
  await expect(finding).toContainText("ldap:group:domain-admins");
  await expect(finding).toContainText(
    "Not in any policy that applies to Maya Lifecycle, and no active exception covers it",
  );
  await expect(finding).toContainText("maya.lifecycle holds ldap:group:domain-admins");
  await finding.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(finding).toContainText("correcting");
  await expect
    .poll(() => slapd.members("ldap:group:domain-admins"), { timeout: 30_000 })
    .not.toContain(member("maya.lifecycle"));
  await directory.getByRole("button", { name: "Check now" }).click();
  await expect(directory).not.toContainText("excess");

  // Back to the manual adapter, so later specs do not depend on this directory.
  await openReady(page, "/systems/ldap");
  await page.getByLabel("Adapter", { exact: true }).selectOption("manual");
  await page.getByRole("button", { name: "Save adapter" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
});
