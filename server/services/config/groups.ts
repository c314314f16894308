import { eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { templateDefinitionSchema } from "@/server/core/requests/template";
import type { Tx } from "@/server/db/client";
import { approverGroupMembers, approverGroups, exceptionTypeSettings, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/** Request templates (any, in the catalog or not) whose stages, escalation or auto-approval name the group. */
async function templatesNaming(tx: Tx, key: string): Promise<string[]> {
  const rows = await tx
    .select({ key: requestTemplates.key, definition: requestTemplates.definition })
    .from(requestTemplates);
  return rows
    .filter((r) => {
      const def = templateDefinitionSchema.safeParse(r.definition);
      if (!def.success) return false;
      return (
        def.data.stages.some(
          (s) => s.approvers.some((a) => a.kind === "group" && a.group === key) || s.escalation?.toGroup === key,
        ) || def.data.autoApproval.some((a) => a.kind === "requester_in_group" && a.group === key)
      );
    })
    .map((r) => r.key)
    .sort();
}

/**
 * Deletes an approver group no form and no exception type names any more (approvals already given
 * keep who gave them). The product has no delete of its own: this is the configuration's.
 */
export async function removeApproverGroupIn(tx: Tx, ctx: ServiceContext, key: string) {
  const [group] = await tx.select().from(approverGroups).where(eq(approverGroups.key, key)).for("update");
  if (!group) throw new DomainError("NOT_FOUND", `There is no approver group "${key}"`, { field: "key" });
  const templates = await templatesNaming(tx, key);
  const namingTypes = (
    await tx
      .select({ type: exceptionTypeSettings.type })
      .from(exceptionTypeSettings)
      .where(eq(exceptionTypeSettings.escalatedApproverGroup, key))
  ).map((t) => t.type);
  const left = [
    templates.length && `request form${templates.length === 1 ? "" : "s"} ${templates.join(", ")}`,
    namingTypes.length && `the escalation of ${namingTypes.join(", ")} exceptions`,
  ].filter(Boolean);
  if (left.length)
    throw new DomainError("CONFLICT", `Approver group "${key}" is still named by ${left.join(" and ")}`, {
      field: "key",
    });
  const members = await tx
    .select({ id: approverGroupMembers.identityId })
    .from(approverGroupMembers)
    .where(eq(approverGroupMembers.groupKey, key));
  await tx.delete(approverGroups).where(eq(approverGroups.key, key));
  await recordAuditEvent(tx, ctx, {
    action: "approver_group.removed",
    subjectType: "approver_group",
    subjectId: key,
    before: { name: group.name, members: members.map((m) => m.id) },
  });
}
