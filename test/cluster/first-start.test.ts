import { count } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { identities, portalRoleAssignments, systems } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startInstance, type Instance } from "./support/instance";

/**
 * `npm start` on a new database (issue 15, point 1): the migrations, and nothing else; the demo
 * organization only when asked.
 */
const opened: { db: TestDatabase; instance?: Instance }[] = [];
afterAll(async () => {
  for (const o of opened) {
    await o.instance?.stop();
    await o.db.close();
  }
});

const countOf = async (t: TestDatabase, table: typeof identities | typeof systems | typeof portalRoleAssignments) =>
  (await t.db.select({ n: count() }).from(table))[0]!.n;

describe("a production start on a new database", () => {
  it("applies the migrations and loads no one: no people, no systems, no roles", async () => {
    const t = await createTestDatabase("empty");
    opened.push({ db: t });
    const instance = await startInstance({ name: "new", databaseUrl: t.url, ownerUrl: t.ownerUrl });
    opened.at(-1)!.instance = instance;
    expect(instance.lines.join("\n")).toContain("a new database: no one in it yet, and no demo data");
    expect(await countOf(t, identities)).toBe(0);
    expect(await countOf(t, systems)).toBe(0);
    expect(await countOf(t, portalRoleAssignments)).toBe(0);
    // The sign-in page says how the first IT admin is made.
    const page = await fetch(`${instance.url}/signin`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Clearance has no IT admin yet");
  });

  it("loads the demo organization when asked (CLEARANCE_DEMO=1)", async () => {
    const t = await createTestDatabase("empty");
    opened.push({ db: t });
    const instance = await startInstance({
      name: "demo",
      databaseUrl: t.url,
      ownerUrl: t.ownerUrl,
      env: { CLEARANCE_DEMO: "1" },
    });
    opened.at(-1)!.instance = instance;
    expect(instance.lines.join("\n")).toContain("loaded the demo organization into the new database");
    expect(await countOf(t, identities)).toBeGreaterThan(300);
    expect(await (await fetch(`${instance.url}/signin`)).text()).not.toContain("no IT admin yet");
  });
});
