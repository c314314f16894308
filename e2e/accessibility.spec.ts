import { expect, openReady, people, test } from "./fixtures";
import { seriousViolations } from "./support/accessibility";

const lowContrastPage = `<!doctype html><html lang="en"><head><title>Low contrast</title></head>
<body style="background:#fff"><main><h1>Check</h1><p id="faint" style="color:#cbd5e1">Light grey on white</p></main></body></html>`;

test("the accessibility check reports light grey text on white as a serious colour-contrast violation", async ({
  page,
}) => {
  await page.setContent(lowContrastPage);
  const findings = await seriousViolations(page);
  expect(findings).toEqual([expect.objectContaining({ id: "color-contrast", impact: "serious", targets: ["#faint"] })]);
  await page.locator("#faint").evaluate((p) => (p.style.color = "#475569"));
  expect(await seriousViolations(page)).toEqual([]);
});

test("a test that visits an app page with a contrast violation fails by itself, without asking for the check", async ({
  page,
}) => {
  // The page fixture checks each page the test visited once the test body is done: this test must fail there.
  test.fail();
  await page.route("**/accessibility-self-test", (route) =>
    route.fulfill({ contentType: "text/html", body: lowContrastPage }),
  );
  await page.goto("/accessibility-self-test");
  await expect(page.locator("#faint")).toBeVisible();
});

/** IT-admin pages that other e2e tests do not all open; the page fixture checks each one. */
const itAdminPages = [
  "/access",
  "/inbox",
  "/requests",
  "/request",
  "/notifications",
  "/out-of-office",
  "/identities",
  "/identities/import",
  "/identities/aliases",
  "/identities/hr-sources",
  "/identities/plans",
  "/identities/new",
  "/work",
  "/setup",
  "/portal-roles",
  "/systems",
  "/systems/new",
  "/drift",
  "/exceptions",
  "/exceptions/new",
  "/exceptions/settings",
  "/fallbacks",
  "/policies",
  "/policies/versions",
  "/policies/explain",
  "/policies/what-if",
  "/policies/graph",
  "/policies/migration",
  "/templates",
  "/templates/new",
  "/templates/groups",
  "/reports",
  "/metrics",
  "/outbox",
  "/audit",
];

test("every IT-admin page passes the accessibility check", async ({ page, signInAs }) => {
  test.setTimeout(300_000);
  await signInAs(people.itAdmin.email);
  for (const url of itAdminPages) await openReady(page, url);
  // A system's own page, reached from the list.
  await openReady(page, "/systems");
  await page.getByRole("link", { name: "AWS", exact: true }).click();
  await expect(page).toHaveURL(/\/systems\/aws$/);
});
