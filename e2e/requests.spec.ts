import { expect, openReady, people, test, waitForMail } from "./fixtures";

const cfo = "cfo@company.com";
const justification =
  "Q4 sales commission analysis project. Working with Finance team to validate commission calculations against sales data.";

test.describe.configure({ mode: "serial" });

test("seed 000: Sarah asks for finance-reports, the CFO asks for more information, Sarah answers, the CFO approves", async ({
  page,
  context,
  signInAs,
}) => {
  // One story over four sign-ins and three emails: on a slow, busy machine it runs past the
  // default 30 s after every step has passed, so it has its own limit.
  test.setTimeout(120_000);
  // Sarah asks, in the browser.
  await signInAs(people.employee.email);
  await page.getByRole("link", { name: "Request access" }).click();
  await page.getByLabel("Search the catalog").fill("finance");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: /Finance reports/ }).click();
  await expect(page.getByText("Outside your role policy: an exception that needs approval")).toBeVisible();
  await expect(page.getByText(/approved by David Okafor/)).toBeVisible();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByText("6 weeks", { exact: true }).click();
  await page.getByLabel("Why do you need it?").fill(justification);
  await page.getByLabel(/Project/).fill("Q4 commission analysis");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestUrl = new URL(page.url()).pathname;
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("Finance reports");
  await expect(heading).toContainText("waiting for approval");
  const number = (await heading.textContent())!.match(/REQ-\d+/)![0];

  // The CFO is told by email, with a link that needs sign-in and no way to decide by mail.
  const asked = await waitForMail(cfo, new RegExp(`${number}: Sarah Chen asks for Finance reports`));
  expect(asked.text).toContain(`${requestUrl}`);
  expect(asked.text).toContain("you will be asked to sign in");

  // The CFO sees it in the inbox, outside Sarah's role policy, and asks for more information.
  await context.clearCookies();
  await signInAs(cfo);
  // With a request waiting, the approver lands on the inbox rather than on My access.
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("link", { name: /Inbox/ })).toContainText("1");
  await openReady(page, "/inbox");
  const row = page
    .getByRole("table", { name: "Requests waiting for you" })
    .getByRole("row")
    .filter({ hasText: number });
  await expect(row).toContainText("not in Sarah's role policy");
  await expect(row).toContainText("6 weeks");
  await row.getByRole("link", { name: new RegExp(number) }).click();
  await expect(page.getByText("not in Sarah's role policy")).toBeVisible();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Ask for more information" }).click();
  await page
    .getByLabel("What do you need to know? (required)")
    .fill("Which regions does the analysis cover, and who in Finance do you work with?");
  await page.getByRole("button", { name: "Send question" }).click();
  await expect(heading).toContainText("waiting for more information");
  // Sent: the box is gone and the panel says so, rather than offering to send the same question again.
  await expect(page.getByText("Question sent. The request waits for the answer")).toBeVisible();
  await expect(page.getByLabel("What do you need to know? (required)")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send question" })).toHaveCount(0);

  // Sarah answers in the thread; the request goes back to the CFO.
  await waitForMail(people.employee.email, new RegExp(`${number}: David Okafor needs more information`));
  await context.clearCookies();
  await signInAs(people.employee.email);
  await openReady(page, requestUrl);
  await expect(page.getByText("An approver needs more information")).toBeVisible();
  await page.getByLabel(/Your answer/).fill("EMEA and North America, Q4 only. I work with *Maria* from FP&A.");
  await page.getByRole("button", { name: "Send answer" }).click();
  await expect(heading).toContainText("waiting for approval");
  await expect(page.getByRole("list", { name: "Messages" })).toContainText("EMEA and North America");

  // The CFO approves.
  await waitForMail(cfo, new RegExp(`${number}: Sarah Chen answered`));
  await context.clearCookies();
  await signInAs(cfo);
  // The notification quotes the answer with its formatting rendered, not as *asterisks*.
  await openReady(page, "/notifications");
  const notices = page.getByRole("list", { name: "Notifications" });
  await expect(notices.locator("strong", { hasText: "Maria" })).toBeVisible();
  await expect(notices).not.toContainText("*Maria*");
  await openReady(page, requestUrl);
  await expect(page.getByRole("list", { name: "Messages" })).toContainText("Which regions does the analysis cover");
  // The count beside Inbox is loaded by the browser, and follows the decision without a reload.
  const inboxLink = page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: /^Inbox/ });
  await expect(inboxLink).toHaveAccessibleName("Inbox 1 waiting");
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByLabel("Note (optional)").fill("Approved for the Q4 analysis");
  await page.getByRole("button", { name: `Approve ${number}` }).click();
  await expect(heading).toContainText("approved");
  await expect(inboxLink).toHaveAccessibleName("Inbox");
  await expect(page.getByText(`Approved by ${cfo}`)).toBeVisible();

  // Sarah sees it approved, with every step and its time.
  await waitForMail(people.employee.email, new RegExp(`${number} approved by David Okafor`));
  await context.clearCookies();
  await signInAs(people.employee.email);
  await page.goto("/requests");
  await expect(page.getByRole("row").filter({ hasText: number })).toContainText("approved");
  await page.getByRole("link", { name: new RegExp(number) }).click();
  const timeline = page.getByRole("list", { name: "Timeline" });
  for (const step of ["submitted", "info requested", "info answered", "vote approve", "approved", "handed off"])
    await expect(timeline).toContainText(step);
});

test("the inbox: keys move and select, and a bulk deny needs a reason", async ({ page, context, signInAs }) => {
  // Two people ask for the sandbox; their manager (John Doe for Sarah) decides.
  await signInAs(people.employee.email);
  await openReady(page, "/request/sandbox-training");
  await page.getByLabel("Starting").fill("2030-01-06T09:00");
  await page
    .getByLabel("Why do you need it?")
    .fill("AWS Solutions Architect certification training - hands-on practice");
  await page.getByLabel(/Training program/).selectOption("AWS Solutions Architect");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);

  await context.clearCookies();
  await signInAs(people.approver.email);
  await openReady(page, "/inbox");
  const rows = page.getByRole("table", { name: "Requests waiting for you" }).getByRole("row");
  await expect(rows.filter({ hasText: "Sarah Chen asks for AWS sandbox for training" })).toBeVisible();
  // Nothing ticked: the bulk buttons and keys act on nothing, not on the row in focus.
  await expect(page.getByRole("button", { name: "Approve selected" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Deny selected…" })).toBeDisabled();
  await page.keyboard.press("a");
  await page.keyboard.press("d");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.keyboard.press("x");
  await expect(page.getByRole("checkbox", { name: /Select REQ-/ }).first()).toBeChecked();
  await page.keyboard.press("d");
  const dialog = page.getByRole("dialog", { name: /Deny 1 request/ });
  await dialog.getByRole("button", { name: "Deny" }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(/Why/).fill("Use the shared training account this quarter");
  await dialog.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByText("Nothing waits for you")).toBeVisible();
});

test("an IT admin sees who a stage would notify before saving a template", async ({ page, signInAs }) => {
  await signInAs(people.itAdmin.email);
  await openReady(page, "/templates/finance-reports");
  const preview = page.getByRole("list", { name: "Notification preview" });
  await expect(preview).toContainText("CFO: notifies 1 of 1");
  await expect(preview).toContainText("David Okafor");
  await page.getByLabel("Stage 1 approver 1: kind").selectOption("group");
  await page.getByLabel("Stage 1 approver 1: group").selectOption("platform-owners");
  await page.getByLabel("Tell", { exact: true }).selectOption("first_n");
  await page.getByLabel("Stage 1: how many to tell").fill("2");
  await expect(preview).toContainText("notifies 2 of 3");
  await expect(preview).toContainText("Alice Moreno, Bob Lindqvist");
  // A sample requester in the group never approves themselves.
  await page.getByLabel(/For a sample requester/).fill("alice@company.com");
  await expect(preview).toContainText("notifies 2 of 2");
  // An invalid draft is explained, and saving it is refused with the field named.
  await page.getByLabel("New duration: amount").fill("13");
  await page.getByLabel("New duration: unit").selectOption("weeks");
  await page.getByRole("button", { name: "Add duration" }).click();
  await expect(page.getByRole("region", { name: "Who would be told" }).getByRole("alert")).toContainText(
    "durations.5: 13 weeks is longer than the maximum (12 weeks)",
  );
  await page.getByRole("button", { name: "Remove 13 weeks" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/templates$/);
  await expect(page.getByRole("row").filter({ hasText: "Finance reports" })).toContainText("priya.raman@company.com");
});
