import { execFileSync } from "node:child_process";
import { expect, openReady, people, test } from "./fixtures";

test("an IT admin exports the active policy set as a tar the system tar reads", async ({ page, signInAs }, info) => {
  await signInAs(people.itAdmin.email);
  await openReady(page, "/policies");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^clearance-policies-v\d+\.tar$/);
  const file = info.outputPath("policies.tar");
  await download.saveAs(file);

  const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n");
  expect(names).toContain("sales-engineer-access.yaml");
  const source = execFileSync("tar", ["-xOf", file, "sales-engineer-access.yaml"], { encoding: "utf8" });
  expect(source).toMatch(/^name: sales-engineer-access$/m);
});
