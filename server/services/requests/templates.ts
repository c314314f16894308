import { actorLabel } from "@/server/core/actor";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { chooseRecipients, resolveApprovers, type ApproverContext } from "@/server/core/requests/approvers";
import { formatDuration, templateDefinitionSchema, type TemplateDefinition } from "@/server/core/requests/template";
import { templateTypeProblems } from "@/server/core/requests/template-rules";
import type { DbOrTx } from "@/server/db/client";
import { approverGroups, identities, requestTemplates, resources } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { lockTypeSettings, typeSettingsOf } from "../exceptions/settings";
import { loadApproverContext, parseTemplate } from "./context";

export interface TemplateInput {
  key: string;
  name: string;
  description: string;
  definition: TemplateDefinition;
}

/** The built-in form proposals are filed under (exceptions/propose.ts): not listed, edited or switched off. */
const PROPOSAL_ORIGIN = "proposal";
export const RESERVED_TEMPLATE_KEYS = ["it-proposal"];
const editable = ne(requestTemplates.origin, PROPOSAL_ORIGIN);

/** Every template, active or not, for the IT admins' list. */
export async function listTemplates({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db.select().from(requestTemplates).where(editable).orderBy(asc(requestTemplates.name));
  return rows.map(parseTemplate).map((t) => ({
    id: t.id,
    key: t.key,
    name: t.name,
    description: t.description,
    active: t.active,
    grants: t.definition.grants,
    durations: t.definition.durations.map(formatDuration),
    stages: t.definition.stages.map((s) => s.name),
    updatedAt: t.updatedAt,
    updatedBy: t.updatedBy,
  }));
}

export async function getTemplate({ ctx, input }: { ctx: ServiceContext; input: { key: string } }) {
  const [row] = await ctx.db
    .select()
    .from(requestTemplates)
    .where(and(eq(requestTemplates.key, input.key), editable));
  if (!row) throw new DomainError("NOT_FOUND", `There is no template "${input.key}"`, { field: "key" });
  return parseTemplate(row);
}

/** Names the template refers to that do not exist: resources, groups, people. Each is a clear error on its field. */
async function checkReferences(ctx: ServiceContext, def: TemplateDefinition) {
  const resourceKeys = def.grants.map((g) => g.resource);
  const groupKeys = [
    ...new Set(
      def.stages.flatMap((s) => [
        ...s.approvers.flatMap((a) => (a.kind === "group" ? [a.group] : [])),
        ...(s.escalation ? [s.escalation.toGroup] : []),
      ]),
    ),
  ];
  const emails = [
    ...new Set(
      def.stages.flatMap((s) => s.approvers.flatMap((a) => (a.kind === "person" ? [a.email.toLowerCase()] : []))),
    ),
  ];
  const [foundResources, foundGroups, foundPeople] = await Promise.all([
    ctx.db.select({ key: resources.key }).from(resources).where(inArray(resources.key, resourceKeys)),
    groupKeys.length
      ? ctx.db.select({ key: approverGroups.key }).from(approverGroups).where(inArray(approverGroups.key, groupKeys))
      : [],
    emails.length
      ? ctx.db
          .select({ email: identities.email })
          .from(identities)
          .where(inArray(sql`lower(${identities.email})`, emails))
      : [],
  ]);
  const missingResource = def.grants.findIndex((g) => !foundResources.some((r) => r.key === g.resource));
  if (missingResource >= 0)
    throw new DomainError(
      "INVALID_INPUT",
      `definition.grants.${missingResource}.resource: ${def.grants[missingResource]!.resource} is not in the resource catalog`,
      { field: `definition.grants.${missingResource}.resource` },
    );
  const missingGroup = groupKeys.find((g) => !foundGroups.some((f) => f.key === g));
  if (missingGroup)
    throw new DomainError("INVALID_INPUT", `definition.stages: there is no approver group "${missingGroup}"`, {
      field: "definition.stages",
    });
  const missingPerson = emails.find((e) => !foundPeople.some((p) => p.email.toLowerCase() === e));
  if (missingPerson)
    throw new DomainError("INVALID_INPUT", `definition.stages: nobody has the email ${missingPerson}`, {
      field: "definition.stages",
    });
}

/**
 * Refuses a template its exception type does not allow (durations past the type's maximum as IT
 * set it, a vendor template without restrictions), naming the first field at fault. Run under
 * the type's lock, so the type's maximum cannot change in between.
 */
async function checkAgainstType(tx: DbOrTx, def: TemplateDefinition) {
  await lockTypeSettings(tx, def.exceptionType);
  const settings = await typeSettingsOf(tx, def.exceptionType);
  const [problem] = templateTypeProblems(def, settings.maxDurationMinutes);
  if (problem) {
    const field = `definition.${problem.field}`;
    throw new DomainError("INVALID_INPUT", `${field}: ${problem.message}`, { field });
  }
}

/** Creates a template or saves a new definition of an existing one, with the change in the audit trail. */
export async function saveTemplate({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: TemplateInput & { create: boolean };
}) {
  const parsed = templateDefinitionSchema.safeParse(input.definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["definition", ...issue.path].join(".");
    throw new DomainError("INVALID_INPUT", `${field}: ${issue.message}`, { field });
  }
  const def = parsed.data;
  if (RESERVED_TEMPLATE_KEYS.includes(input.key))
    throw new DomainError(
      "INVALID_INPUT",
      `"${input.key}" is the built-in form of IT's proposals: choose another key`,
      { field: "key" },
    );
  await checkReferences(ctx, def);
  const now = ctx.clock();
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(requestTemplates)
      .where(eq(requestTemplates.key, input.key))
      .for("update");
    if (input.create && existing)
      throw new DomainError("CONFLICT", `A template with the key "${input.key}" already exists`, { field: "key" });
    if (!input.create && !existing)
      throw new DomainError("NOT_FOUND", `There is no template "${input.key}"`, { field: "key" });
    await checkAgainstType(tx, def);
    const values = {
      name: input.name.trim(),
      description: input.description.trim(),
      definition: def,
      updatedAt: now,
      updatedBy: by,
    };
    const [saved] = existing
      ? await tx.update(requestTemplates).set(values).where(eq(requestTemplates.id, existing.id)).returning()
      : await tx
          .insert(requestTemplates)
          .values({ ...values, key: input.key, createdAt: now })
          .returning();
    await recordAuditEvent(tx, ctx, {
      action: existing ? "template.updated" : "template.created",
      subjectType: "request_template",
      subjectId: saved!.id,
      before: existing ? { name: existing.name, definition: existing.definition } : null,
      after: { key: input.key, name: values.name, definition: def },
    });
    return parseTemplate(saved!);
  });
}

/** Takes a template out of the catalog (open requests stay), or puts it back if its type still allows it. */
export async function setTemplateActive({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; active: boolean };
}) {
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(requestTemplates)
      .where(and(eq(requestTemplates.key, input.key), editable))
      .for("update");
    if (!existing) throw new DomainError("NOT_FOUND", `There is no template "${input.key}"`, { field: "key" });
    if (existing.active === input.active) return existing;
    if (input.active) await checkAgainstType(tx, parseTemplate(existing).definition);
    const [saved] = await tx
      .update(requestTemplates)
      .set({ active: input.active, updatedAt: ctx.clock() })
      .where(eq(requestTemplates.id, existing.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: input.active ? "template.activated" : "template.deactivated",
      subjectType: "request_template",
      subjectId: existing.id,
      before: { active: existing.active },
      after: { active: input.active },
    });
    return saved!;
  });
}

/**
 * Before saving: for each stage, who could decide and who would be told, for a sample
 * requester (the manager and resource-owner approvers depend on who asks). Round-robin shows
 * who is next in turn; random picks show how many of how many.
 */
export async function previewNotifications({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { definition: TemplateDefinition; requesterEmail?: string; templateKey?: string };
}) {
  const parsed = templateDefinitionSchema.safeParse(input.definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["definition", ...issue.path].join(".");
    throw new DomainError("INVALID_INPUT", `${field}: ${issue.message}`, { field });
  }
  const def = parsed.data;
  const now = ctx.clock();
  let requesterId: string | null = null;
  if (input.requesterEmail) {
    const [person] = await ctx.db
      .select({ id: identities.id })
      .from(identities)
      .where(sql`lower(${identities.email}) = ${input.requesterEmail.toLowerCase()}`);
    if (!person)
      throw new DomainError("INVALID_INPUT", `requesterEmail: nobody has the email ${input.requesterEmail}`, {
        field: "requesterEmail",
      });
    requesterId = person.id;
  }
  // Without a sample requester, someone outside the organization stands in: no manager, nobody excluded.
  const approverContext: ApproverContext = await loadApproverContext(
    ctx.db,
    requesterId ?? "00000000-0000-0000-0000-000000000000",
    def,
    now,
  );
  const rotation = input.templateKey
    ? ((
        await ctx.db
          .select({ rotation: requestTemplates.rotation })
          .from(requestTemplates)
          .where(eq(requestTemplates.key, input.templateKey))
      )[0]?.rotation as number[] | undefined)
    : undefined;
  const stages = def.stages.map((stage, i) => {
    const approvers = resolveApprovers(stage, approverContext);
    const away = new Set(approverContext.delegations.map((d) => d.delegatorId));
    const { recipients } = chooseRecipients(approvers, stage.notify.policy, stage.notify.count, {
      random: () => 0,
      rotation: rotation?.[i] ?? 0,
      away,
    });
    const escalation = stage.escalation
      ? (approverContext.groups.get(stage.escalation.toGroup) ?? []).filter(
          (id) => approverContext.people.get(id)?.active,
        )
      : [];
    return {
      name: stage.name,
      approverIds: approvers.map((a) => a.identityId),
      vias: approvers.map((a) => a.via),
      notifies:
        stage.notify.policy === "random_n"
          ? Math.min(stage.notify.count, approvers.filter((a) => !away.has(a.identityId)).length)
          : recipients.length,
      recipientIds: stage.notify.policy === "random_n" ? [] : recipients,
      policy: stage.notify.policy,
      escalationIds: escalation,
      managerUnknown: !requesterId && stage.approvers.some((a) => a.kind === "manager"),
    };
  });
  const ids = [...new Set(stages.flatMap((s) => [...s.approverIds, ...s.escalationIds]))];
  const people = ids.length
    ? await ctx.db
        .select({ id: identities.id, displayName: identities.displayName, email: identities.email })
        .from(identities)
        .where(inArray(identities.id, ids))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  return stages.map((s) => ({
    name: s.name,
    policy: s.policy,
    approvers: s.approverIds.map((id, k) => ({ ...byId.get(id)!, via: s.vias[k]! })),
    notifies: s.notifies,
    recipients: s.recipientIds.map((id) => byId.get(id)!),
    escalation: s.escalationIds.map((id) => byId.get(id)!),
    managerUnknown: s.managerUnknown,
  }));
}
