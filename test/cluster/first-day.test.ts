import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, expect as playwrightExpect, type Browser, type Page } from "@playwright/test";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startSlapd, type Slapd } from "@/test/support/slapd";
import { freePort, startInstance, type Instance } from "./support/instance";
import { until } from "./support/wait";

/**
 * Issue 15, "Tests", first bullet: an organization's first day, from an empty database in
 * production mode (`npm start` on a build), through the product's pages only. The IT admin named in
 * CLEARANCE_ADMINS signs in through a real OIDC provider (e2e/support/idp.ts) and follows the setup
 * checklist: people from a CSV, a system on the LDAP adapter against a real slapd (its connection
 * tested), its groups discovered, an owner named, a policy and a request template written. Then an
 * employee from the CSV asks for the group, its owner (also from the CSV) approves in the inbox, and
 * the instance's jobs put the employee in the slapd group.
 */
const see = playwrightExpect.configure({ timeout: 30_000 });

const admin = "itAdmin.admin@company.com";
// Both in the CSV; their usernames (the email's local part) are slapd users (test/support/slapd.ts).
const owner = { email: "james.okafor@company.com", name: "James Okafor" };
const employee = { email: "sarah.chen@company.com", name: "Sarah Chen" };
const GROUP = "finance-reports@company.com";
const RESOURCE = `directory:group:${GROUP}`;
const CLIENT = { id: "clearance-first-day", secret: "first-day-client-secret" };

let db: TestDatabase | undefined;
let instance: Instance | undefined;
let slapd: Slapd | undefined;
let idp: ChildProcess | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
  idp?.kill("SIGTERM");
  await slapd?.stop();
  await db?.close();
});

/** The real OIDC provider of the e2e tests, on its own port, redirecting to the app's URL. */
async function startIdp(port: number, appUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "e2e/support/idp.ts"], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      IDP_PORT: String(port),
      IDP_CLIENT_ID: CLIENT.id,
      IDP_CLIENT_SECRET: CLIENT.secret,
      APP_URL: appUrl,
    },
  });
  let exited = false;
  child.on("exit", () => (exited = true));
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (c: Buffer) => output.push(c.toString()));
  await until(
    async () => {
      if (exited) throw new Error(`the test IdP exited:\n${output.join("")}`);
      return fetch(`${url}/.well-known/openid-configuration`).then(
        (r) => r.ok,
        () => false,
      );
    },
    "the test IdP to answer",
    60_000,
  );
  return { child, url };
}

async function openReady(page: Page, url: string) {
  await page.goto(url);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Waits until a client-side navigation has landed and React has hydrated the page. */
async function landed(page: Page, url: RegExp) {
  await page.waitForURL(url);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** A person signs in in a browser context of their own: Clearance's sign-in page, then the IdP's. */
async function signIn(email: string): Promise<Page> {
  const context = await browser!.newContext({ baseURL: instance!.url });
  const page = await context.newPage();
  await openReady(page, "/signin");
  await page.getByRole("button", { name: "Continue with Test IdP" }).click();
  await see(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/(access|inbox|work)$/);
  return page;
}

const checklistItem = (page: Page, title: string) =>
  page.getByRole("list", { name: "Setup checklist" }).getByRole("listitem", { name: title, exact: true });

/** Back on the setup checklist: the item is done. */
async function checkedOff(page: Page, title: string) {
  await openReady(page, "/setup");
  await see(checklistItem(page, title)).toContainText("Done");
}

/** On a failure, a screenshot of each page still open, in test-results/first-day/ (ignored by git). */
async function keepScreenshots() {
  const dir = path.join(process.cwd(), "test-results", "first-day");
  mkdirSync(dir, { recursive: true });
  const pages = (browser?.contexts() ?? []).flatMap((c) => c.pages());
  for (const [i, page] of pages.entries())
    await page.screenshot({ path: path.join(dir, `page-${i + 1}.png`), fullPage: true }).catch(() => undefined);
  return pages.length ? ` (screenshots in ${dir})` : "";
}

describe("an organization's first day, from an empty database", () => {
  it(
    "the admin sets up through the checklist; an employee from the CSV asks, the owner approves, slapd has the member",
    () =>
      story().catch(async (err: Error) => {
        err.message += await keepScreenshots();
        throw err;
      }),
    6 * 60_000,
  );
});

async function story() {
  slapd = await startSlapd();
  db = await createTestDatabase("empty");
  // The app's URL goes into the IdP's redirect URI, so its port is chosen before either starts.
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const provider = await startIdp(await freePort(), appUrl);
  idp = provider.child;
  instance = await startInstance({
    name: "first-day",
    databaseUrl: db.url,
    ownerUrl: db.ownerUrl,
    port: appPort,
    env: {
      CLEARANCE_ADMINS: admin,
      AUTH_OIDC_ISSUER: provider.url,
      AUTH_OIDC_CLIENT_ID: CLIENT.id,
      AUTH_OIDC_CLIENT_SECRET: CLIENT.secret,
      AUTH_OIDC_NAME: "Test IdP",
      CLEARANCE_PUBLIC_URL: appUrl,
      // Only the real provider: no development sign-in on this instance.
      CLEARANCE_DEV_LOGIN: "",
      LOG_LEVEL: "warn",
    },
  });
  expect(instance.lines.join("\n")).toContain("a new database: no one in it yet, and no demo data");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });

  // The IT admin named in CLEARANCE_ADMINS signs in; the work queue says sign-in is all there is so far.
  const itAdmin = await signIn(admin);
  await see(itAdmin).toHaveURL(/\/work$/);
  const card = itAdmin.getByRole("region", { name: /^Setup: \d of 8 done$/ });
  await see(card).toHaveAccessibleName("Setup: 1 of 8 done");
  await card.getByRole("link", { name: "Continue setup →" }).click();
  await landed(itAdmin, /\/setup$/);
  await see(itAdmin.getByRole("heading", { name: "Setup checklist", level: 1 })).toBeVisible();
  await see(checklistItem(itAdmin, "Sign-in")).toContainText("People sign in through Test IdP (OIDC)");
  for (const title of [
    "People: an HR source or a CSV import",
    "A system with a working adapter",
    "Resources",
    "A first policy",
    "A first request template",
  ])
    await see(checklistItem(itAdmin, title)).toContainText("To do");

  // People: a CSV with the group's owner (Finance) and an employee (Sales).
  await checklistItem(itAdmin, "People: an HR source or a CSV import")
    .getByRole("link", { name: "Import a CSV" })
    .click();
  await landed(itAdmin, /\/identities\/import$/);
  const header = "external_id,email,display_name,department,job_title,manager,hire_date,employment_status";
  await itAdmin
    .getByLabel("Or paste CSV")
    .fill(
      [
        header,
        `james.okafor,${owner.email},${owner.name},Finance,Finance Manager,,2021-03-01,Active`,
        `sarah.chen,${employee.email},${employee.name},Sales,Sales Engineer,,2023-06-12,Active`,
        "",
      ].join("\n"),
    );
  await itAdmin.getByRole("button", { name: "Preview" }).click();
  await itAdmin.getByRole("button", { name: "Apply 2 changes" }).click();
  await itAdmin.getByRole("dialog", { name: "Apply 2 changes?" }).getByRole("button", { name: "Apply" }).click();
  await see(itAdmin.getByText("Import applied")).toBeVisible();
  await checkedOff(itAdmin, "People: an HR source or a CSV import");

  // A system on the LDAP adapter, against slapd; its connection tested before it is added.
  await checklistItem(itAdmin, "A system with a working adapter").getByRole("link", { name: "Add a system" }).click();
  await landed(itAdmin, /\/systems\/new$/);
  const form = itAdmin.getByRole("form", { name: "New system" });
  await form.getByLabel("Key").fill("directory");
  await form.getByLabel("Name", { exact: true }).fill("Directory");
  await form.getByLabel("Access levels, lowest first").fill("member");
  await form.getByLabel("Adapter").selectOption("ldap");
  await form.getByLabel(/^Settings \(JSON/).fill(
    JSON.stringify({
      url: slapd.url,
      bindDn: slapd.bindDn,
      bindPassword: slapd.bindPassword,
      groupBaseDn: slapd.groupBaseDn,
      userDnTemplate: slapd.userDnTemplate,
    }),
  );
  await form.getByRole("button", { name: "Test connection" }).click();
  await see(form.getByRole("status")).toContainText("Connected");
  await form.getByRole("button", { name: "Add system" }).click();
  await landed(itAdmin, /\/systems\/directory$/);
  await checkedOff(itAdmin, "A system with a working adapter");
  await see(checklistItem(itAdmin, "A system with a working adapter")).toContainText(
    "Directory: the last connection test passed.",
  );

  // Resources: the directory's groups discovered, added, and the group's owner named.
  await checklistItem(itAdmin, "Resources").getByRole("link", { name: "Systems" }).click();
  await landed(itAdmin, /\/systems$/);
  await itAdmin.getByRole("link", { name: "Directory", exact: true }).click();
  await landed(itAdmin, /\/systems\/directory$/);
  await itAdmin.getByRole("link", { name: "Manage the resource catalog" }).click();
  await landed(itAdmin, /\/systems\/directory\/resources$/);
  await itAdmin.getByRole("button", { name: "Discover from the system" }).click();
  await see(itAdmin.getByText("1 new, 0 no longer in the system")).toBeVisible();
  await see(itAdmin.getByRole("checkbox", { name: new RegExp(RESOURCE) })).toBeChecked();
  await itAdmin.getByRole("button", { name: "Add 1 to the catalog" }).click();
  const catalog = itAdmin.getByRole("list", { name: "Resources" });
  const group = catalog.getByRole("listitem").filter({ hasText: RESOURCE });
  await see(group).toBeVisible();
  await group.getByRole("button", { name: `Edit ${RESOURCE}` }).click();
  const edit = itAdmin.getByRole("form", { name: `Edit ${GROUP}` });
  await edit.getByLabel("Owners").fill(owner.email);
  await edit.getByRole("button", { name: "Save" }).click();
  await see(group).toContainText(`Owners: ${owner.email}`);
  await checkedOff(itAdmin, "Resources");

  // A first policy: Finance reads the finance reports (so Sales asks, as an exception).
  await checklistItem(itAdmin, "A first policy").getByRole("link", { name: "Write a policy" }).click();
  await landed(itAdmin, /\/policies\/edit$/);
  const editor = itAdmin.getByRole("textbox", { name: /^Policy file / });
  await editor.locator(".cm-line").first().waitFor();
  await editor.click();
  await itAdmin.keyboard.press("ControlOrMeta+a");
  const policy = [
    "name: finance-team-reports",
    "description: The finance team reads the finance reports",
    "when:",
    "  - department: Finance",
    "grants:",
    `  - ${RESOURCE}`,
  ].join("\n");
  await itAdmin.keyboard.insertText(policy);
  await see.poll(async () => (await editor.locator(".cm-line").allTextContents()).join("\n")).toBe(policy);
  await see(itAdmin.getByText("No problems in this file.")).toBeVisible();
  await itAdmin.getByLabel("What is this change for?").fill("Finance reads its reports");
  await itAdmin.getByRole("button", { name: "Save…" }).click();
  const save = itAdmin.getByRole("dialog", { name: "Save this change?" });
  await see(save).toContainText("Access changes for 1 person");
  await save.getByRole("button", { name: "Save" }).click();
  await see(itAdmin.getByRole("heading", { name: "Version 1: Finance reads its reports" })).toBeVisible();
  await checkedOff(itAdmin, "A first policy");

  // A first request template: the group, approved by its owner.
  await checklistItem(itAdmin, "A first request template").getByRole("link", { name: "Add a template" }).click();
  await landed(itAdmin, /\/templates\/new$/);
  await itAdmin.getByRole("textbox", { name: "Name", exact: true }).first().fill("Finance reports");
  await itAdmin.getByLabel(/^Key/).fill("finance-reports");
  await itAdmin.getByLabel(/^Description/).fill("Read the monthly finance reports");
  await itAdmin.getByLabel("Grant 1: resource").fill(RESOURCE);
  const stage = itAdmin.getByRole("group", { name: "Stage 1" });
  await stage.getByLabel("Name", { exact: true }).fill("Resource owner");
  await stage.getByLabel("Stage 1 approver 1: kind").selectOption("resource_owner");
  await itAdmin.getByRole("button", { name: "Create template" }).click();
  await landed(itAdmin, /\/templates$/);
  await see(itAdmin.getByText("Finance reports").first()).toBeVisible();
  await checkedOff(itAdmin, "A first request template");
  await itAdmin.context().close();

  // The employee from the CSV asks for the group in the portal.
  const sarah = await signIn(employee.email);
  await sarah.getByRole("link", { name: "Request access" }).click();
  await landed(sarah, /\/request$/);
  await sarah.getByRole("link", { name: /Finance reports/ }).click();
  await landed(sarah, /\/request\/finance-reports$/);
  await see(sarah.getByText("Outside your role policy: an exception that needs approval")).toBeVisible();
  await sarah
    .getByLabel("Why do you need it?")
    .fill("Q4 commission analysis: I check commissions against the finance reports.");
  await sarah.getByRole("button", { name: "Send request" }).click();
  await landed(sarah, /\/requests\/[0-9a-f-]{36}$/);
  const asked = sarah.getByRole("heading", { level: 1 });
  await see(asked).toContainText("waiting for approval");
  const number = (await asked.textContent())!.match(/REQ-\d+/)![0];
  await sarah.context().close();

  // The owner named in the catalog finds it in the inbox and approves.
  const james = await signIn(owner.email);
  await see(james).toHaveURL(/\/inbox$/);
  const row = james
    .getByRole("table", { name: "Requests waiting for you" })
    .getByRole("row")
    .filter({ hasText: number });
  await row.getByRole("link", { name: new RegExp(number) }).click();
  await landed(james, /\/requests\/[0-9a-f-]{36}$/);
  await james.getByRole("button", { name: "Approve" }).click();
  await james.getByRole("button", { name: `Approve ${number}` }).click();
  const decided = james.getByRole("heading", { level: 1 });
  await see(decided).toContainText("approved");
  await james.context().close();

  // The instance's jobs grant it through the LDAP adapter: Sarah is in the directory's group.
  const sarahDn = slapd.userDnTemplate.replace("{username}", "sarah.chen");
  await until(async () => (await slapd!.members(GROUP)).includes(sarahDn), `${sarahDn} in cn=${GROUP}`, 60_000).catch(
    async (err: Error) => {
      throw new Error(`${err.message}; members: ${(await slapd!.members(GROUP)).join(", ")}\n${instance!.tail()}`);
    },
  );
}
