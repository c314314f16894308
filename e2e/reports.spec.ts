import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, openReady, people, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

test("IT proposes an exception for Jane; it is access only once the CFO approves it from the inbox", async ({
  page,
  context,
  signInAs,
}) => {
  await signInAs(people.itAdmin.email);
  await openReady(page, "/exceptions/new");
  await page.getByLabel("Person (required)").fill("Jane Smith");
  await page.getByRole("button", { name: /^Jane Smith/ }).click();
  await page.getByLabel("Resource (required)").fill("gitlab:group:finance");
  await page.getByLabel("Type").selectOption("training");
  await page.getByLabel(/^Expires/).fill("2099-01-15T12:00");
  await page.getByLabel("Justification (required)").fill("Finance tooling training for the quarter-end close");
  await page.getByLabel(/Who decides/).fill("cfo@company.com");
  await page.getByRole("button", { name: "Send to the approver" }).click();
  await expect(page.getByText(/A training exception lasts at most 26 weeks/)).toBeVisible();
  await page.getByLabel(/^Expires/).fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16));
  await page.getByRole("button", { name: "Send to the approver" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestUrl = new URL(page.url()).pathname;
  await expect(page.getByText("Proposed by Priya Raman (IT), not asked for by Jane")).toBeVisible();
  // Proposing is not approving: Priya has nothing to decide here.
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  await context.clearCookies();
  await signInAs("cfo@company.com");
  await openReady(page, "/inbox");
  const row = page
    .getByRole("table", { name: "Requests waiting for you" })
    .getByRole("row")
    .filter({ hasText: "Priya Raman (IT) proposes gitlab:group:finance for Jane Smith" });
  await expect(row).toContainText("proposed by IT");
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`${requestUrl}$`));
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("button", { name: /^Approve REQ-/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("approved");
});

test("an auditor finds the exception in the exception log with who proposed and who approved it, exports it as CSV and the audit trail as JSON", async ({
  page,
  signInAs,
}) => {
  await signInAs(people.auditor.email);
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  // Access as of now, for Jane: her exception is there beside her policy grants.
  await page.getByLabel("Person").fill("jane.smith");
  await page.getByRole("button", { name: "Apply" }).click();
  const access = page.getByRole("table", { name: "Access as of" });
  await expect(access.getByRole("row").filter({ hasText: "aarav" })).toHaveCount(0);
  await expect(
    access.getByRole("row").filter({ hasText: "jane.smith@company.com" }).filter({ hasText: "gitlab:group:finance" }),
  ).toContainText("exception");
  await page.getByLabel("Person").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("tab", { name: "Exception log" }).click();
  const log = page.getByRole("table", { name: "Exception log" });
  await expect(log.getByRole("columnheader", { name: "approved by" })).toBeVisible();
  // Wider than the page: it scrolls in its own box, which the keyboard reaches.
  const scroller = page.getByRole("region", { name: "Exception log (scrolls sideways)" });
  await scroller.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => scroller.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
  const janes = log
    .getByRole("row")
    .filter({ hasText: "jane.smith@company.com" })
    .filter({ hasText: "gitlab:group:finance" });
  await expect(janes).toContainText("cfo@company.com");
  await expect(janes).toContainText("priya.raman@company.com");

  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^clearance-exception-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await csv.path())!, "utf8").split("\r\n");
  expect(
    lines.some(
      (l) =>
        l.includes("jane.smith@company.com,gitlab:group:finance,,Training,") &&
        l.includes(",priya.raman@company.com,cfo@company.com,"),
    ),
  ).toBe(true);
  expect(lines[0]).toBe(
    "exception,user,access,level,type,granted,justification,proposed_by,approved_by,approval_note,expires,status,extensions,ended,end_reason,references,source",
  );

  // The same log as a PDF, built by the production server (PDFKit and its fonts from node_modules).
  const [pdf] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export PDF" }).click(),
  ]);
  expect(pdf.suggestedFilename()).toMatch(/^clearance-exception-log-\d{4}-\d{2}-\d{2}\.pdf$/);
  const pdfPath = (await pdf.path())!;
  expect(readFileSync(pdfPath).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const pdfText = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
  expect(pdfText).toContain("Clearance: Exception log");
  expect(pdfText).toContain("jane.smith@company.com");

  await page.getByRole("tab", { name: "Audit trail" }).click();
  await expect(page.getByRole("table", { name: "Audit trail" })).toBeVisible();
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export JSON" }).click(),
  ]);
  const events = JSON.parse(readFileSync((await json.path())!, "utf8")) as {
    action: string;
    seq: string | null;
    hash: string | null;
    prev_hash: string | null;
  }[];
  expect(events.map((e) => e.action)).toEqual(
    expect.arrayContaining(["organization.seeded", "request.proposed", "exception.created", "report.exported"]),
  );
  // In chain order; events recorded in the last second may follow, not linked yet.
  const linked = events.filter((e) => e.seq !== null);
  expect(linked.length).toBeGreaterThan(events.length / 2);
  for (let i = 1; i < linked.length; i++) expect(linked[i]!.prev_hash).toBe(linked[i - 1]!.hash);

  // The evidence pack for this month: a ZIP with the control mapping.
  const month = new Date().toISOString().slice(0, 7);
  await page.getByLabel("Period from").fill(`${month}-01`);
  await page.getByLabel("to", { exact: true }).fill(new Date().toISOString().slice(0, 10));
  const [pack] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download evidence pack" }).click(),
  ]);
  expect(pack.suggestedFilename()).toMatch(/^clearance-evidence-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = readFileSync((await pack.path())!);
  expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  expect(zip.toString("latin1")).toContain("CONTROLS.md");
  // Its exception log PDF opens too.
  const packedPdf = execFileSync("unzip", ["-p", (await pack.path())!, "exception-log.pdf"]);
  expect(packedPdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(execFileSync("pdftotext", ["-", "-"], { input: packedPdf, encoding: "utf8" })).toContain("Exception log");
});

test("an employee cannot reach reports, exports or the evidence pack", async ({ page, signInAs }) => {
  const month = new Date().toISOString().slice(0, 7);
  await signInAs(people.employee.email);
  expect((await page.goto("/reports"))?.status()).toBe(403);
  expect(
    (
      await page.request.post("/api/reports/evidence-pack", { form: { from: `${month}-01`, to: `${month}-02` } })
    ).status(),
  ).toBe(403);
  const api = await page.request.post("/api/reports/exceptions", { form: { format: "csv" } });
  expect(api.status()).toBe(403);
  expect(await openReady(page, "/access").then(() => page.getByRole("link", { name: "Reports" }).count())).toBe(0);
});
