import { expect, openReady, people, test } from "./fixtures";

/**
 * Issue 12, point 3 as IT lives it: an identity provider's token sees nobody until IT gives its
 * source the people it should take over; IT hands one person to another source from their page.
 */
test("IT gives a new source a department in bulk, its SCIM token sees exactly them, and hands one person back to no source", async ({
  page,
  signInAs,
}) => {
  test.setTimeout(60_000);
  await signInAs(people.itAdmin.email);

  await openReady(page, "/identities/hr-sources");
  await page.getByLabel("Key", { exact: true }).fill("e2e-okta");
  await page.getByLabel("Name", { exact: true }).fill("E2E Okta");
  await page.getByRole("button", { name: "Add HR source" }).click();
  const token = (await page.getByRole("status").locator("code").first().textContent())!.trim();
  const scimUsers = async () =>
    (await (
      await page.request.get("/api/scim/v2/Users?count=0", { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { totalResults: number };
  expect((await scimUsers()).totalResults).toBe(0);
  await expect(
    page.getByRole("list", { name: "HR sources" }).getByRole("listitem").filter({ hasText: "e2e-okta" }),
  ).toContainText("manages 0 people");

  // Legal, managed by no source, goes to the new source: the preview counts them first.
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("Give to").selectOption("e2e-okta");
  await page.getByLabel("In department").selectOption("Legal");
  const preview = page.getByText(/^\d+ people without a source in Legal, e\.g\./);
  await expect(preview).toBeVisible();
  const legal = Number((await preview.textContent())!.match(/^(\d+)/)![1]);
  await page.getByRole("button", { name: "Hand over…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText(`Give E2E Okta ${legal} people?`);
  await dialog.getByLabel("Reason (required)").fill("Okta is connected for Legal");
  await dialog.getByRole("button", { name: `Hand over ${legal} people` }).click();
  await expect(page.getByText(`${legal} people are now managed by E2E Okta.`)).toBeVisible();
  await expect(
    page.getByRole("list", { name: "HR sources" }).getByRole("listitem").filter({ hasText: "e2e-okta" }),
  ).toContainText(`manages ${legal} people`);
  expect((await scimUsers()).totalResults).toBe(legal);

  // One of them goes back to no source from their own page; the token no longer counts them.
  const [first] = (
    (await (
      await page.request.get("/api/scim/v2/Users?count=1", { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { Resources: { id: string; displayName: string }[] }
  ).Resources;
  await openReady(page, `/identities/${first!.id}`);
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "HR source", exact: true }) });
  await expect(card).toContainText("Managed by E2E Okta");
  await card.getByRole("button", { name: "Hand over…" }).click();
  const handOver = page.getByRole("dialog");
  await handOver.getByLabel("New source").selectOption({ label: "No source" });
  await expect(handOver.getByRole("heading")).toHaveText(`Hand ${first!.displayName} over to no source?`);
  await handOver.getByRole("button", { name: "Hand over" }).click();
  await expect(handOver.getByRole("alert")).toContainText("reason");
  await handOver.getByLabel(/^Reason/).fill("Leaves Okta's scope");
  await handOver.getByRole("button", { name: "Hand over" }).click();
  await expect(card).toContainText("Managed by no source");
  expect((await scimUsers()).totalResults).toBe(legal - 1);
  const notFound = await page.request.get(`/api/scim/v2/Users/${first!.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(notFound.status()).toBe(404);

  await openReady(page, `/audit?subject=${first!.id}`);
  const events = page.getByRole("row").filter({ hasText: "identity.source_changed" });
  await expect(events.filter({ hasText: "Leaves Okta's scope" })).toHaveCount(1);
  await expect(events.filter({ hasText: "Okta is connected for Legal" })).toHaveCount(1);
});
