import { test as base, expect, type Page } from "@playwright/test";
import { AccessibilityWatch } from "./support/accessibility";

/** Seeded people who hold each portal role (server/db/seed/people.ts). */
export const people = {
  employee: { email: "sarah.chen@company.com", name: "Sarah Chen" },
  approver: { email: "john.doe@company.com", name: "John Doe" },
  itAdmin: { email: "priya.raman@company.com", name: "Priya Raman" },
  auditor: { email: "auditor@company.com", name: "Grace Liu" },
  terminated: { email: "tom.becker@company.com", name: "Tom Becker" },
} as const;

export interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
}

/** Waits for an email to `to` whose subject matches, as the test's SMTP server received it. */
export async function waitForMail(to: string, subject: RegExp): Promise<CapturedMail> {
  const url = `http://127.0.0.1:${process.env.E2E_SMTP_HTTP_PORT}/messages`;
  let found: CapturedMail | undefined;
  await expect
    .poll(
      async () => {
        const all = (await (await fetch(url)).json()) as CapturedMail[];
        found = all.find((m) => m.to.includes(to) && subject.test(m.subject));
        return Boolean(found);
      },
      { timeout: 20_000, message: `an email to ${to} about ${subject}` },
    )
    .toBe(true);
  return found!;
}

/** Opens a page and waits until React has hydrated it, so clicks reach their handlers. */
export async function openReady(page: Page, url: string) {
  await page.goto(url);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Starts the OIDC flow from Clearance's sign-in page and stops on the IdP's login form. */
export async function openIdpLogin(page: Page) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Continue with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
}

/** A full OIDC sign-in through the test identity provider. */
export async function signInWithOidc(page: Page, email: string) {
  await openIdpLogin(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * A code editor (CodeMirror, components/editor/code-editor.tsx) by its label: its text, and
 * replacing all of it as a paste would (no auto-indent or closing brackets in between).
 */
export function codeEditor(page: Page, label: string) {
  const content = page.getByRole("textbox", { name: label });
  return {
    content,
    async text() {
      await content.locator(".cm-line").first().waitFor();
      return (await content.locator(".cm-line").allTextContents()).join("\n");
    },
    async fill(text: string) {
      await content.click();
      await page.keyboard.press("ControlOrMeta+a");
      await page.keyboard.insertText(text);
      await expect.poll(() => this.text()).toBe(text);
    },
  };
}

export const test = base.extend<{ signInAs: (email: string) => Promise<void> }>({
  // Every app page a test visits must have no serious or critical WCAG 2.1 AA violation (axe-core):
  // the page is checked before the test navigates away from it and when the test ends.
  page: async ({ page, baseURL }, provide, testInfo) => {
    const watch = new AccessibilityWatch(page, new URL(baseURL!).origin, testInfo);
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      await watch.checkCurrent();
      return goto(url, options);
    };
    await provide(page);
    // A test that failed already says why; checking its pages too would only add noise.
    if (testInfo.status !== "passed") return;
    const failures = await watch.finish();
    expect(failures, failures.join("\n")).toEqual([]);
  },
  // The fixture callback is named `provide`: react-hooks lint would take `use` for React's hook.
  signInAs: async ({ page }, provide) => {
    await provide(async (email) => {
      await signInWithOidc(page, email);
      // Home sends approvers with requests waiting to the inbox, IT admins to their work queue, everyone else to My access.
      await page.waitForURL(/\/(access|inbox|work)$/);
    });
  },
});

export { expect };
