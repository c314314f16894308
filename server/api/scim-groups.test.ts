import { and, count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlans, auditEvents, directoryGroups, identities, identityAttributeChanges } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { handOverIdentity } from "@/server/services/hr/handover";
import { activeVersion, savePolicyChange } from "@/server/services/policies";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { PATCH_OP, USER } from "@/test/support/scim";
import { sourceClients } from "@/test/support/scim-client";

/**
 * /Groups as Entra ID and Okta send them, replayed over the route handlers. Bodies follow:
 * - Entra ID: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *   ("Group operations": Create Group, Get Group by displayName, Update Group [Non-member attributes],
 *   Update Group [Add Members], Update Group [Remove Members], Delete Group);
 * - Okta: https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/ ("SCIM Group
 *   operations": Create Groups, Retrieve specific Groups, Update a specific Group name, Update
 *   specific Group membership, Delete a specific Group).
 */
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
let t: TestDatabase;
const tokens: Record<string, string> = {};
const clock = movableClock("2026-06-01T08:00:00Z");
const client = sourceClients<"entra" | "okta">(() => t.db, clock, tokens);
const entra = client("entra");
const okta = client("okta");
const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const q = (filter: string, more = "") => `/Groups?filter=${encodeURIComponent(filter)}${more}`;
const groupsOf = async (id: string) =>
  (await t.db.select({ groups: identities.groups }).from(identities).where(eq(identities.id, id)))[0]!.groups;
const plansOf = async (id: string) =>
  t.db.select().from(accessPlans).where(eq(accessPlans.identityId, id)).orderBy(accessPlans.number);
const auditCount = async () => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;

const people: Record<string, string> = {};
async function hire(send: typeof entra, handle: string, name: string) {
  const reply = await send("POST", "/Users", {
    schemas: [USER],
    userName: `${handle}@company.com`,
    displayName: name,
    title: "Site Reliability Engineer",
  });
  expect(reply.status).toBe(201);
  people[handle] = reply.body.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const priya = await as(t.db, "priya.raman@company.com", clock);
  tokens.entra = (await createHrSource({ ctx: priya, input: { key: "entra", name: "Entra ID" } })).token;
  tokens.okta = (await createHrSource({ ctx: priya, input: { key: "okta", name: "Okta" } })).token;
  for (const [handle, name] of [
    ["ana.oncall", "Ana Oncall"],
    ["ben.oncall", "Ben Oncall"],
    ["cy.oncall", "Cy Oncall"],
  ])
    await hire(entra, handle!, name!);
  await hire(okta, "olga.okta", "Olga Okta");
  // A policy that grants on-call access to whoever is in the platform-oncall group.
  await savePolicyChange({
    ctx: priya,
    input: {
      baseVersionId: (await activeVersion(t.db))?.id ?? null,
      message: "On-call access follows the directory group",
      changes: [
        {
          path: "platform-oncall-access.yaml",
          source:
            "name: platform-oncall-access\ndescription: Paging and production read for on-call\n" +
            "when:\n  - groups: { includes: [platform-oncall] }\ngrants:\n  - okta:group:sales-team\n",
        },
      ],
    },
  });
});
afterAll(() => t.close());

describe("Microsoft Entra ID provisioning a group", () => {
  let id: string;

  it("looks the group up by displayName, creates it, and adds members: each member's groups change, with a plan that applies the policy", async () => {
    expect(
      (await entra("GET", q('displayName eq "platform-oncall"', "&excludedAttributes=members"))).body,
    ).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await entra("POST", "/Groups", {
      schemas: [GROUP],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "platform-oncall",
      meta: { resourceType: "Group" },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { schemas: [GROUP], displayName: "platform-oncall", meta: { resourceType: "Group" } },
    });
    id = created.body.id;
    expect(created.headers.get("location")).toBe(created.body.meta.location);
    const added = await entra(
      "PATCH",
      `/Groups/${id}`,
      patchOp({
        op: "Add",
        path: "members",
        value: [{ value: people["ana.oncall"] }, { value: people["ben.oncall"] }],
      }),
    );
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [people["ana.oncall"], people["ben.oncall"]].sort(),
    );
    expect(await groupsOf(people["ana.oncall"]!)).toEqual(["platform-oncall"]);
    const [plan] = (await plansOf(people["ana.oncall"]!)).slice(-1);
    // Like a new training, a new group re-evaluates the person without moving their role: a "change" plan.
    expect(plan).toMatchObject({ kind: "change", source: "scim" });
    expect(plan!.policiesAfter).toContain("platform-oncall-access");
    expect(plan!.policiesBefore).not.toContain("platform-oncall-access");
    const [history] = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(
        and(
          eq(identityAttributeChanges.identityId, people["ana.oncall"]!),
          eq(identityAttributeChanges.attribute, "groups"),
        ),
      );
    expect(history).toMatchObject({ oldValue: [], newValue: ["platform-oncall"], source: "scim" });
  });

  it("finds the group by a member (members[value eq]) and by externalId; leaves members out when asked", async () => {
    const byMember = await entra(
      "GET",
      q(`id eq "${id}" and members[value eq "${people["ana.oncall"]}"]`, "&excludedAttributes=members"),
    );
    expect(byMember.body).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: "platform-oncall" }] });
    expect(byMember.body.Resources[0]).not.toHaveProperty("members");
    expect((await entra("GET", q(`members[value eq "${people["cy.oncall"]}"]`))).body.totalResults).toBe(0);
    expect(
      (await entra("GET", q('externalId eq "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"'))).body.Resources.map(
        (g: { id: string }) => g.id,
      ),
    ).toEqual([id]);
    expect((await entra("GET", `/Groups/${id}?excludedAttributes=members`)).body).not.toHaveProperty("members");
  });

  it("removes a member with a value list, replaces the members (Entra's Replace), and renames: every member follows", async () => {
    await entra(
      "PATCH",
      `/Groups/${id}`,
      patchOp({ op: "Remove", path: "members", value: [{ value: people["ben.oncall"] }] }),
    );
    expect(await groupsOf(people["ben.oncall"]!)).toEqual([]);
    expect((await plansOf(people["ben.oncall"]!)).at(-1)!.policiesAfter).not.toContain("platform-oncall-access");
    const replaced = await entra(
      "PATCH",
      `/Groups/${id}`,
      patchOp({ op: "Replace", path: "members", value: [{ value: people["cy.oncall"] }] }),
    );
    expect(replaced.body.members).toEqual([expect.objectContaining({ value: people["cy.oncall"], type: "User" })]);
    expect(await groupsOf(people["ana.oncall"]!)).toEqual([]);
    expect(await groupsOf(people["cy.oncall"]!)).toEqual(["platform-oncall"]);
    await entra("PATCH", `/Groups/${id}`, patchOp({ op: "Replace", path: "displayName", value: "sre-oncall" }));
    expect(await groupsOf(people["cy.oncall"]!)).toEqual(["sre-oncall"]);
    // The policy names platform-oncall: the renamed group no longer grants.
    expect((await plansOf(people["cy.oncall"]!)).at(-1)!.policiesAfter).not.toContain("platform-oncall-access");
  });

  it("refuses a member who is no User of this source, a name another of its groups has, and a bad filter, changing nothing", async () => {
    const other = await okta("POST", "/Groups", { schemas: [GROUP], displayName: "okta-admins" });
    expect(other.status).toBe(201);
    const audits = await auditCount();
    expect(
      await entra(
        "PATCH",
        `/Groups/${id}`,
        patchOp({ op: "Add", path: "members", value: [{ value: people["olga.okta"] }] }),
      ),
    ).toMatchObject({
      status: 400,
      body: { scimType: "invalidValue", detail: `members[0].value: no User has id ${people["olga.okta"]}` },
    });
    expect(await entra("POST", "/Groups", { schemas: [GROUP], displayName: "SRE-OnCall" })).toMatchObject({
      status: 409,
      body: { scimType: "uniqueness" },
    });
    expect(await entra("GET", q('title eq "x"'))).toMatchObject({ status: 400, body: { scimType: "invalidFilter" } });
    expect(await auditCount()).toBe(audits);
    // Another source's group is answered as one that does not exist, and is not listed.
    expect((await entra("GET", `/Groups/${other.body.id}`)).status).toBe(404);
    expect((await entra("DELETE", `/Groups/${other.body.id}`)).status).toBe(404);
    expect((await entra("GET", "/Groups")).body.totalResults).toBe(1);
  });

  it("deletes the group: 204, then 404, and its members' groups are empty again", async () => {
    expect((await entra("DELETE", `/Groups/${id}`)).status).toBe(204);
    expect((await entra("GET", `/Groups/${id}`)).status).toBe(404);
    expect(await groupsOf(people["cy.oncall"]!)).toEqual([]);
    const [deleted] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "directory_group.deleted"), eq(auditEvents.subjectId, id)));
    expect(deleted).toMatchObject({
      actorLabel: "system:scim:entra",
      before: { displayName: "sre-oncall", members: 1 },
    });
  });
});

describe("Okta pushing a group", () => {
  it("creates with members, removes one by filter path, adds one, renames without a path, and replaces by PUT", async () => {
    await hire(okta, "pia.okta", "Pia Okta");
    const created = await okta("POST", "/Groups", {
      schemas: [GROUP],
      displayName: "platform-oncall",
      members: [{ value: people["olga.okta"], display: "Olga Okta" }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await groupsOf(people["olga.okta"]!)).toEqual(["platform-oncall"]);
    await okta(
      "PATCH",
      `/Groups/${id}`,
      patchOp(
        { op: "remove", path: `members[value eq "${people["olga.okta"]}"]` },
        { op: "add", path: "members", value: [{ value: people["pia.okta"], display: "Pia Okta" }] },
      ),
    );
    expect(await groupsOf(people["olga.okta"]!)).toEqual([]);
    expect(await groupsOf(people["pia.okta"]!)).toEqual(["platform-oncall"]);
    const renamed = await okta(
      "PATCH",
      `/Groups/${id}`,
      patchOp({ op: "replace", value: { id, displayName: "Platform On-Call" } }),
    );
    expect(renamed.body.displayName).toBe("Platform On-Call");
    const put = await okta("PUT", `/Groups/${id}`, {
      schemas: [GROUP],
      id,
      displayName: "Platform On-Call",
      members: [{ value: people["olga.okta"] }, { value: people["pia.okta"] }],
    });
    expect(put.body.members).toHaveLength(2);
    expect(await groupsOf(people["olga.okta"]!)).toEqual(["Platform On-Call"]);
    const [group] = await t.db.select().from(directoryGroups).where(eq(directoryGroups.id, id));
    expect(group).toMatchObject({ managedBy: "okta", displayName: "Platform On-Call" });
    const [last] = await t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, id))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(last).toMatchObject({ action: "directory_group.changed", after: { membersAdded: 1, membersRemoved: 0 } });
  });
});

describe("groups and the people in them stay within one source", () => {
  it("two sources may each have a group of one name; two creates of one name at once give one 201 and one 409", async () => {
    const name = "shared-name";
    const [a, b] = await Promise.all([
      entra("POST", "/Groups", { schemas: [GROUP], displayName: name }),
      entra("POST", "/Groups", { schemas: [GROUP], displayName: name.toUpperCase() }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await okta("POST", "/Groups", { schemas: [GROUP], displayName: name })).status).toBe(201);
    expect(
      await entra("POST", "/Groups", { schemas: [GROUP], displayName: "long-id", externalId: "x".repeat(300) }),
    ).toMatchObject({ status: 400, body: { scimType: "invalidValue", detail: /^externalId: is longer than 256/ } });
  });

  it("a group no policy names changes its members' groups, history and audit trail, and stores no plan: their access does not move", async () => {
    await hire(entra, "quiet.entra", "Quiet Entra");
    const id = people["quiet.entra"]!;
    const plans = (await plansOf(id)).length;
    const created = await entra("POST", "/Groups", {
      schemas: [GROUP],
      displayName: "book-club",
      members: [{ value: id }],
    });
    expect(created.status).toBe(201);
    expect(await groupsOf(id)).toEqual(["book-club"]);
    expect(await plansOf(id)).toHaveLength(plans);
    const [audit] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.attributes_changed"), eq(auditEvents.subjectId, id)))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(audit).toMatchObject({ before: { groups: [] }, after: { groups: ["book-club"] } });
    const [history] = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(and(eq(identityAttributeChanges.identityId, id), eq(identityAttributeChanges.attribute, "groups")));
    expect(history).toMatchObject({ oldValue: [], newValue: ["book-club"], source: "scim" });
  });

  it("a person handed to another source leaves the old source's groups: its token no longer sees or changes them", async () => {
    await hire(okta, "hal.okta", "Hal Okta");
    const group = await okta("POST", "/Groups", {
      schemas: [GROUP],
      displayName: "okta-handover",
      members: [{ value: people["hal.okta"] }],
    });
    expect(await groupsOf(people["hal.okta"]!)).toEqual(["okta-handover"]);
    const priya = await as(t.db, "priya.raman@company.com", clock);
    await handOverIdentity({
      ctx: priya,
      input: { identityId: people["hal.okta"]!, toSource: "entra", reason: "Hal moved to the Entra tenant" },
    });
    expect(await groupsOf(people["hal.okta"]!)).toEqual([]);
    expect((await okta("GET", `/Groups/${group.body.id}`)).body).not.toHaveProperty("members");
    await okta("PATCH", `/Groups/${group.body.id}`, patchOp({ op: "replace", path: "displayName", value: "renamed" }));
    expect(await groupsOf(people["hal.okta"]!)).toEqual([]);
    // Nor can the old source put them back.
    expect(
      (
        await okta(
          "PATCH",
          `/Groups/${group.body.id}`,
          patchOp({ op: "add", path: "members", value: [{ value: people["hal.okta"] }] }),
        )
      ).status,
    ).toBe(400);
  });

  it("a User deleted over SCIM leaves its groups; brought back by a POST, it is in none until added again", async () => {
    await hire(entra, "del.entra", "Del Entra");
    const group = await entra("POST", "/Groups", {
      schemas: [GROUP],
      displayName: "entra-del",
      members: [{ value: people["del.entra"] }],
    });
    expect((await entra("DELETE", `/Users/${people["del.entra"]}`)).status).toBe(204);
    expect(await groupsOf(people["del.entra"]!)).toEqual([]);
    expect((await entra("GET", `/Groups/${group.body.id}`)).body).not.toHaveProperty("members");
    const back = await entra("POST", "/Users", {
      schemas: [USER],
      userName: "del.entra@company.com",
      displayName: "Del Entra",
      title: "Site Reliability Engineer",
    });
    expect(back).toMatchObject({ status: 201, body: { id: people["del.entra"], active: true } });
    expect(await groupsOf(people["del.entra"]!)).toEqual([]);
  });
});
