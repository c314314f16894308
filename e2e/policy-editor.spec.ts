import { codeEditor, expect, openReady, people, test } from "./fixtures";

/** The code editors of policies and fallbacks: lint inline as you type, completion, keyboard. Nothing is saved. */
test.beforeEach(async ({ signInAs }) => {
  await signInAs(people.itAdmin.email);
});

test("a policy: a misspelt attribute is underlined with lint's message, completion offers the attribute and its values, Esc then Tab leaves", async ({
  page,
}) => {
  await openReady(page, "/policies/edit?file=sales-engineer-access.yaml");
  const editor = codeEditor(page, "Policy file sales-engineer-access.yaml");
  const original = await editor.text();
  await editor.fill(original.replace("  - job_title: Sales Engineer", "  - job_titel: Sales Engineer"));

  const underlined = editor.content.locator(".cm-lintRange-error");
  await expect(underlined).toHaveText("job_titel: Sales Engineer");
  await underlined.hover();
  await expect(page.locator(".cm-tooltip-lint")).toContainText("job_titel is not an attribute");
  await expect(page.getByRole("list", { name: "Problems" })).toContainText("line 5 job_titel is not an attribute");

  // The problem's button puts the cursor on its line; retype it with completion.
  await page.getByRole("button", { name: /line 5 job_titel is not an attribute/ }).click();
  await expect(editor.content).toBeFocused();
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("  - job_ti");
  const completions = page.getByRole("listbox", { name: "Completions" });
  await expect(completions.getByRole("option").first()).toHaveText(/^job_title/);
  await expect(completions.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  // Enter accepts only once the list has been shown for a moment (CodeMirror's interactionDelay, 75 ms),
  // so that an Enter typed as the list appears still starts a new line.
  await page.waitForTimeout(150);
  await page.keyboard.press("Enter");
  await page.keyboard.type("Sales En");
  const salesEngineer = completions
    .getByRole("option")
    .filter({ has: page.locator(".cm-completionLabel", { hasText: /^Sales Engineer$/ }) });
  await expect(salesEngineer).toBeVisible();
  await salesEngineer.click();

  expect(await editor.text()).toBe(original);
  await expect(page.getByText("No problems in this file.")).toBeVisible();
  await expect(underlined).toHaveCount(0);

  // Tab indents; Escape then Tab moves on to the next field.
  await editor.content.click();
  await page.keyboard.press("ControlOrMeta+Home");
  await page.keyboard.press("Tab");
  expect(await editor.text()).toBe(`  ${original}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("What is this change for?")).toBeFocused();
  await expect(editor.content).toHaveAttribute("aria-describedby", "policy-editor-keys");
  await expect(page.locator("#policy-editor-keys")).toContainText("then Tab leaves the editor");
});

test("a fallback: lint of the draft as you type, inline and listed; completion of its fixed values", async ({
  page,
}) => {
  await openReady(page, "/fallbacks");
  await page.getByRole("button", { name: "New fallback" }).click();
  const editor = codeEditor(page, "New fallback (YAML)");
  await editor.fill("name: typo-fallback\nscope: namespace\nnamespace: awz\naction: deny\nmessage: Not here\n");
  await expect(editor.content.locator(".cm-lintRange-error")).toHaveText("namespace: awz");
  await expect(page.getByRole("list", { name: "Problems" })).toContainText("line 3 no system is called awz");

  await page.getByRole("button", { name: /line 3 no system is called awz/ }).click();
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("namespace: gi");
  const completions = page.getByRole("listbox", { name: "Completions" });
  await expect(completions.getByRole("option", { name: "github", exact: true })).toBeVisible();
  await expect(completions.getByRole("option", { name: "github:team", exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("priority: 5\naction: pr");
  await expect(completions.getByRole("option", { name: "prompt-for-request" })).toBeVisible();
});
