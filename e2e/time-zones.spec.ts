import { expect, openReady, people, test } from "./fixtures";

// The browser says it is in New York; Clearance shows times there, named, until a profile choice overrides it.
test.use({ timezoneId: "America/New_York" });

test("times show in the browser's zone with the zone named, and a profile zone overrides it", async ({
  page,
  signInAs,
}) => {
  await signInAs(people.employee.email);
  // The first page handed the browser's zone to the server (a cookie); the shell names it.
  await expect(page.getByRole("link", { name: "Times in America/New_York" })).toBeVisible();

  // A start typed as 09:00 is 09:00 in New York, shown back as such.
  await openReady(page, "/request/sandbox-training");
  await page.getByLabel("Starting (America/New_York time)").fill("2030-01-06T09:00");
  await page.getByLabel("Why do you need it?").fill("Time zone check: a known start, read back in two zones");
  await page.getByLabel(/Training program/).selectOption("AWS Solutions Architect");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestUrl = page.url();
  await expect(page.getByText("from 6 Jan 2030, 09:00 EST")).toBeVisible();

  // Sarah chooses Berlin in her profile: the same moment is 15:00 there, whatever the browser says.
  await openReady(page, "/profile");
  await expect(page.getByTestId("current-time-zone")).toContainText("America/New_York");
  await page.getByLabel("Show times in").fill("Europe/Berlin");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByTestId("current-time-zone")).toContainText("Europe/Berlin (GMT+1)");
  await openReady(page, requestUrl);
  await expect(page.getByText("from 6 Jan 2030, 15:00 GMT+1")).toBeVisible();

  // A zone that does not exist is refused, naming the field.
  await openReady(page, "/profile");
  await page.getByLabel("Show times in").fill("Europe/Atlantis");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByText(/timeZone must be an IANA time zone/)).toBeVisible();

  // Back to the browser's zone, and the request withdrawn, so other tests start as before.
  await page.getByRole("button", { name: "Use my browser's zone" }).click();
  await expect(page.getByTestId("current-time-zone")).toContainText("America/New_York");
  await openReady(page, requestUrl);
  await page.getByRole("button", { name: "Cancel request…" }).click();
  await page.getByRole("button", { name: "Cancel the request" }).click();
  await expect(page.getByText("from 6 Jan 2030, 09:00 EST")).toBeVisible();
});
