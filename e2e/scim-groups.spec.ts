import { expect, openReady, people, test } from "./fixtures";

/**
 * Issue 16 as IT and an identity provider live it: IT says the source signs people in by userName,
 * the provider creates a person and a group with them in it, and the person's page shows the group
 * among their attributes (policies match it with groups: { includes: [...] }).
 */
test("IT sets a source to sign in by userName; a SCIM group's member shows the group on their page", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(60_000);
  await signInAs(people.itAdmin.email);
  await openReady(page, "/identities/hr-sources");
  await page.getByLabel("Key", { exact: true }).fill("e2e-entra");
  await page.getByLabel("Name", { exact: true }).fill("E2E Entra");
  await page.getByRole("button", { name: "Add HR source" }).click();
  const token = (await page.getByRole("status").locator("code").first().textContent())!.trim();

  const source = page.getByRole("list", { name: "HR sources" }).getByRole("listitem").filter({ hasText: "e2e-entra" });
  const setting = source.getByLabel("SCIM sign-in email from");
  await expect(setting).toHaveValue("primary_email");
  await expect(source.getByRole("button", { name: "Save" })).toBeDisabled();
  await setting.selectOption("user_name");
  await source.getByRole("button", { name: "Save" }).click();
  await expect(source.getByRole("status")).toHaveText("Saved: applies to this source's next SCIM writes");
  await expect(source.getByRole("button", { name: "Save" })).toBeDisabled();
  await page.reload();
  await expect(
    page
      .getByRole("list", { name: "HR sources" })
      .getByRole("listitem")
      .filter({ hasText: "e2e-entra" })
      .getByLabel("SCIM sign-in email from"),
  ).toHaveValue("user_name");

  const scim = { authorization: `Bearer ${token}`, "content-type": "application/scim+json" };
  const user = await page.request.post("/api/scim/v2/Users", {
    headers: scim,
    data: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "grace.oncall@company.com",
      displayName: "Grace Oncall",
      emails: [{ value: "grace@home.example", type: "home" }],
    },
  });
  expect(user.status()).toBe(201);
  const { id } = (await user.json()) as { id: string };
  const group = await page.request.post("/api/scim/v2/Groups", {
    headers: scim,
    data: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "platform-oncall",
      members: [{ value: id }],
    },
  });
  expect(group.status()).toBe(201);

  await openReady(page, `/identities/${id}`);
  await expect(page.getByText("grace.oncall@company.com").first()).toBeVisible();
  const groups = page.locator("dt", { hasText: /^Groups$/ }).locator("xpath=following-sibling::dd[1]");
  await expect(groups).toContainText("platform-oncall");
});
