import { AxeBuilder } from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";

/** WCAG 2.1 A and AA, the level the product promises. */
export const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

type Result = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

const blocking = new Set(["serious", "critical"]);

export interface Finding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
  summary: string;
}

/**
 * Runs axe-core on the page as it is now, one row per element: `blocking` are the serious and critical
 * violations of WCAG 2.1 A/AA rules; `advisory` are the rest, best-practice rules included (e.g. landmarks).
 */
export async function accessibilityFindings(page: Page): Promise<{ blocking: Finding[]; advisory: Finding[] }> {
  const results = await new AxeBuilder({ page }).withTags([...wcagTags, "best-practice"]).analyze();
  const rows = (v: Result) =>
    v.nodes.map((node) => ({
      id: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      targets: node.target.map(String),
      summary: (node.failureSummary ?? "").replace(/\s+/g, " ").trim(),
    }));
  const isBlocking = (v: Result) => blocking.has(v.impact ?? "") && v.tags.some((t) => wcagTags.includes(t));
  return {
    blocking: results.violations.filter(isBlocking).flatMap(rows),
    advisory: results.violations.filter((v) => !isBlocking(v)).flatMap(rows),
  };
}

/** The serious and critical WCAG 2.1 A/AA violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Finding[]> {
  return (await accessibilityFindings(page)).blocking;
}

export function describeFindings(url: string, findings: Finding[]): string {
  return [
    `${findings.length} serious or critical accessibility violation(s) (axe-core, WCAG 2.1 AA) on ${url}:`,
    ...findings.map((f) => `  - [${f.impact}] ${f.id} at ${f.targets.join(" ")}: ${f.help}. ${f.summary}`),
  ].join("\n");
}

/**
 * Checks each page a test visits once, at a settled state: the page being left when the test calls
 * `page.goto` (or `openReady`), and the page it ends on. Pages it reached and left by clicking are
 * opened again after the test (one URL per path), so none is skipped. Only the app's own pages count
 * (not the test IdP's).
 */
export class AccessibilityWatch {
  private readonly seen = new Set<string>();
  private readonly checked = new Set<string>();
  private readonly failures: string[] = [];

  constructor(
    private readonly page: Page,
    private readonly appOrigin: string,
    private readonly testInfo: TestInfo,
  ) {
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) {
        const key = this.keyOf(frame.url());
        if (key) this.seen.add(key);
      }
    });
  }

  /** The page's path and query when it is one of the app's pages, else undefined. */
  private keyOf(url: string): string | undefined {
    if (!url.startsWith(this.appOrigin + "/")) return undefined;
    const { pathname, search } = new URL(url);
    if (pathname.startsWith("/api/")) return undefined;
    return pathname + search;
  }

  /** Checks the page as it stands, unless its URL was checked already in this test. */
  async checkCurrent() {
    const started = Date.now();
    await this.check();
    // The check's own time is added to the test's timeout rather than taken from it.
    this.testInfo.setTimeout(this.testInfo.timeout + (Date.now() - started));
  }

  /**
   * The test is over: check where it ended, then reopen and check what it left without a check.
   * Runs in the fixture's teardown, which gets its own budget of time per page.
   */
  async finish(): Promise<string[]> {
    // Of the pages left by clicking, one URL per path: a filter, sort or page number that the test
    // changed in place shows the same markup with other rows, and reopening each costs seconds.
    const pathOf = (key: string) => key.split("?")[0];
    const left = [...new Map([...this.seen].reverse().map((key) => [pathOf(key), key])).values()].filter(
      (key) => ![...this.checked].some((done) => pathOf(done) === pathOf(key)),
    );
    this.testInfo.setTimeout(this.testInfo.timeout + (left.length + 1) * 20_000);
    await this.check();
    for (const key of left) {
      if (this.checked.has(key) || this.page.isClosed()) continue;
      await this.page.goto(key);
      await this.check();
    }
    return this.failures;
  }

  private async check() {
    const key = this.keyOf(this.page.url());
    if (!key || this.checked.has(key) || this.page.isClosed()) return;
    this.checked.add(key);
    await this.settle();
    const { blocking, advisory } = await accessibilityFindings(this.page);
    if (blocking.length) this.failures.push(describeFindings(key, blocking));
    // Not a failure, but listed in the report so that they get fixed too.
    for (const f of advisory)
      this.testInfo.annotations.push({
        type: "accessibility (advisory)",
        description: `${key}: [${f.impact}] ${f.id} at ${f.targets.join(" ")}: ${f.help}`,
      });
  }

  private async settle() {
    await this.page.waitForLoadState("load");
    // Client-side data loads: wait for the network to go quiet, but never fail the test over it.
    await this.page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {});
    await this.page
      .locator("html[data-hydrated]")
      .waitFor({ state: "attached", timeout: 5_000 })
      .catch(() => {});
  }
}
