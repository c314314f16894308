import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessSnapshots, auditEvents } from "@/server/db/schema";
import { personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as } from "@/test/support/requests";
import type { PersonContext } from "../context";
import { importSnapshot, listSnapshotSystems, previewSnapshotImport } from "./snapshot";

describe("access snapshot import (seed 001, phase 1)", () => {
  let t: TestDatabase;
  let ctx: PersonContext;
  const rowsOf = (systemKey: string) =>
    t.db
      .select({
        username: accessSnapshots.username,
        resource: accessSnapshots.resourceKey,
        level: accessSnapshots.level,
      })
      .from(accessSnapshots)
      .where(eq(accessSnapshots.systemKey, systemKey))
      .orderBy(accessSnapshots.username, accessSnapshots.resourceKey);
  const importEvents = () =>
    t.db.select().from(auditEvents).where(eq(auditEvents.action, "snapshot.imported")).orderBy(auditEvents.id);

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = await as(t.db, personaEmails.it_admin);
  });
  afterAll(() => t.close());

  const slack = [
    "Email,Resource,Level,Last login",
    "sarah.chen@company.com,slack:channel:#sales-team,member,2026-11-01",
    "sarah.chen@company.com,channel:#customer-success,Member,2026-11-01", // type:name, level in another case
    "john.doe@company.com,#sales-leadership,admin,2026-11-02", // a bare name the catalog knows
    "ghost.account@company.com,slack:channel:#sales-team,member,2025-01-01", // nobody in HR
    "jane.smith@company.com,slack:channel:#made-up,member,2026-11-03", // not in the catalog
    "jane.smith@company.com,slack:workspace:company,superuser,2026-11-03", // a level slack does not have
    "",
    "sarah.chen@company.com,slack:channel:#sales-team,admin,2026-11-04", // a duplicate of row 2, at a higher level
  ].join("\n");

  it("previews counts and everything to look at, changing nothing", async () => {
    const preview = await previewSnapshotImport({ ctx, input: { systemKey: "slack", csv: slack } });
    expect(preview.counts).toEqual({
      dataRows: 7,
      records: 6,
      accounts: 4,
      resources: 5,
      unmatchedAccounts: 1,
      unknownResources: 1,
      unknownLevels: 1,
      duplicates: 1,
      errors: 0,
    });
    expect(preview.ignoredColumns).toEqual(["Last login"]);
    expect(preview.unmatchedAccounts).toEqual([{ username: "ghost.account", rows: 1 }]);
    expect(preview.unknownResources).toEqual([{ value: "slack:channel:#made-up", rows: 1, firstRow: 6 }]);
    expect(preview.unknownLevels).toEqual([{ value: "superuser", rows: 1, firstRow: 7 }]);
    expect(preview.duplicates).toEqual([
      { rows: [2, 9], username: "sarah.chen", resource: "slack:channel:#sales-team", keptLevel: "admin" },
    ]);
    expect(preview.sample).toContainEqual({
      row: 3,
      username: "sarah.chen",
      resource: "slack:channel:#customer-success",
      level: "member",
    });
    expect(preview.sample).toContainEqual({
      row: 4,
      username: "john.doe",
      resource: "slack:channel:#sales-leadership",
      level: "admin",
    });
    expect(preview.replaces.rows).toBe(0);
    expect(await rowsOf("slack")).toEqual([]);
    expect(await importEvents()).toEqual([]);
  });

  it("imports a system's snapshot with its audit event, and a new import replaces that system's rows only", async () => {
    const first = await importSnapshot({ ctx, input: { systemKey: "slack", csv: slack } });
    expect(first).toMatchObject({ systemKey: "slack", replaced: 0, records: 6, unmatchedAccounts: 1 });
    expect(await rowsOf("slack")).toEqual([
      { username: "ghost.account", resource: "slack:channel:#sales-team", level: "member" },
      { username: "jane.smith", resource: "slack:channel:#made-up", level: "member" },
      { username: "jane.smith", resource: "slack:workspace:company", level: "superuser" },
      { username: "john.doe", resource: "slack:channel:#sales-leadership", level: "admin" },
      { username: "sarah.chen", resource: "slack:channel:#customer-success", level: "member" },
      { username: "sarah.chen", resource: "slack:channel:#sales-team", level: "admin" },
    ]);
    const [stored] = await t.db.select().from(accessSnapshots).limit(1);
    expect(stored).toMatchObject({ importedBy: personaEmails.it_admin, importedAt: ctx.clock() });

    await importSnapshot({
      ctx,
      input: { systemKey: "gitlab", csv: "username,resource,level\nsarah.chen,group:customer-solutions,reporter\n" },
    });
    const again = await importSnapshot({
      ctx,
      input: { systemKey: "slack", csv: "username,resource\nSarah.Chen,slack:workspace:company\n" },
    });
    expect(again.replaced).toBe(6);
    expect(await rowsOf("slack")).toEqual([
      { username: "sarah.chen", resource: "slack:workspace:company", level: null },
    ]);
    expect(await rowsOf("gitlab")).toEqual([
      { username: "sarah.chen", resource: "gitlab:group:customer-solutions", level: "reporter" },
    ]);

    const events = await importEvents();
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({
      subjectType: "system",
      subjectId: "slack",
      actorLabel: personaEmails.it_admin,
      before: { rows: 6, importedBy: personaEmails.it_admin },
      after: { rows: 1, accounts: 1, resources: 1 },
    });
    const systems = await listSnapshotSystems({ ctx });
    expect(systems.find((s) => s.key === "slack")).toMatchObject({
      rows: 1,
      accounts: 1,
      importedBy: personaEmails.it_admin,
    });
    expect(systems.find((s) => s.key === "aws")).toMatchObject({ rows: 0, importedAt: null });
  });

  describe("bad input: an error naming the row and column, and nothing changes", () => {
    const cases: [string, string, RegExp][] = [
      [
        "a row without a resource",
        "username,resource\nsarah.chen,slack:workspace:company\njohn.doe,\n",
        /row 3, column resource: The row has no resource/,
      ],
      [
        "another system's resource",
        "username,resource\nsarah.chen,gitlab:group:finance\n",
        /row 2, column resource: "gitlab:group:finance" is a gitlab resource, but this snapshot is of slack/,
      ],
      [
        "a bare name the catalog does not know",
        "username,resource\nsarah.chen,#nowhere\n",
        /row 2, column resource: No slack resource in the catalog is named "#nowhere"/,
      ],
      [
        "an email that is not one",
        "email,resource\nsarah.chen,slack:workspace:company\n",
        /row 2, column email: email must be an email address, not "sarah.chen"/,
      ],
      [
        "a row naming nobody",
        "username,email,resource\n,,slack:workspace:company\n",
        /row 2, column username: Whose access is this/,
      ],
      [
        "an account that is only a domain",
        "username,resource\n@company.com,slack:workspace:company\n",
        /row 2, column username: username "@company.com" has nothing before the @/,
      ],
      [
        "no account column",
        "person,resource\nsarah.chen,slack:workspace:company\n",
        /row 1: The header needs a username column/,
      ],
      ["a header and nothing else", "username,resource\n", /row 1: The file has a header but no access rows/],
      [
        "a quote never closed",
        'username,resource\nsarah.chen,"slack:workspace:company\n',
        /csv: line 2: a quoted cell is never closed/,
      ],
    ];
    it.each(cases)("%s", async (_, csv, message) => {
      const before = await rowsOf("slack");
      const events = (await importEvents()).length;
      await expect(importSnapshot({ ctx, input: { systemKey: "slack", csv } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        field: "csv",
        message: expect.stringMatching(message),
      });
      expect(await rowsOf("slack")).toEqual(before);
      expect(await importEvents()).toHaveLength(events);
    });

    it("lists every row's problem in the preview", async () => {
      const preview = await previewSnapshotImport({
        ctx,
        input: {
          systemKey: "slack",
          csv: "username,resource\n,slack:workspace:company\nsarah.chen,\njohn.doe,gitlab:group:finance\n",
        },
      });
      expect(preview.problems.map((p) => [p.row, p.column])).toEqual([
        [2, "username"],
        [3, "resource"],
        [4, "resource"],
      ]);
      expect(preview.counts).toMatchObject({ errors: 3, records: 0 });
    });

    it("refuses a system that does not exist, naming the field", async () => {
      await expect(
        importSnapshot({ ctx, input: { systemKey: "nowhere", csv: "username,resource\na,b:c\n" } }),
      ).rejects.toMatchObject({ code: "NOT_FOUND", field: "systemKey" });
      expect(
        await t.db
          .select()
          .from(accessSnapshots)
          .where(and(eq(accessSnapshots.systemKey, "nowhere"))),
      ).toEqual([]);
    });
  });
});
