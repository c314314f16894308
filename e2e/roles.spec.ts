import { expect, people, test } from "./fixtures";

const everyone = ["My access", "Request access", "My requests", "Notifications", "Inbox", "Out of office"];

/** A section link's text is its label, followed by a count badge where the section has one. */
function sectionLinks(labels: string[]): RegExp[] {
  return labels.map((label) => new RegExp(`^${label}\\d*$`));
}

test.describe("each role sees only its sections", () => {
  test("an employee opening an IT admin page gets the 403 page, and the tRPC call is FORBIDDEN", async ({
    page,
    signInAs,
  }) => {
    await signInAs(people.employee.email);
    const nav = page.getByRole("navigation", { name: "Sections" });
    await expect(nav.getByRole("link")).toHaveText(sectionLinks(everyone));

    const response = await page.goto("/identities");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "This section is not part of your role" })).toBeVisible();

    const input = encodeURIComponent(JSON.stringify({ json: {} }));
    const api = await page.request.get(`/api/trpc/identities.list?input=${input}`);
    expect(api.status()).toBe(403);
    const body = await api.json();
    expect(body.error.json.data.code).toBe("FORBIDDEN");
  });

  test("an IT admin sees Identities and the audit log", async ({ page, signInAs }) => {
    await signInAs(people.itAdmin.email);
    await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link")).toHaveText(
      sectionLinks([
        ...everyone,
        "Work queue",
        "Setup checklist",
        "Policies",
        "Request templates",
        "Identities",
        "Exceptions",
        "Fallbacks",
        "Systems",
        "Drift",
        "Portal roles",
        "Outbox",
        "Exception metrics",
        "Reports",
        "Audit log",
      ]),
    );
  });

  test("an auditor sees the audit log but not Identities", async ({ page, signInAs }) => {
    await signInAs(people.auditor.email);
    await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link")).toHaveText(
      sectionLinks([...everyone, "Exception metrics", "Reports", "Audit log"]),
    );
    expect((await page.goto("/identities"))?.status()).toBe(403);
  });

  test("a signed-out call to the API is UNAUTHORIZED", async ({ request }) => {
    const res = await request.get(`/api/trpc/me.profile`);
    expect(res.status()).toBe(401);
  });
});
