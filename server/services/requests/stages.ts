import { and, eq, inArray } from "drizzle-orm";
import {
  chooseRecipients,
  resolveApprovers,
  type Approver,
  type ApproverContext,
} from "@/server/core/requests/approvers";
import type { TemplateDefinition } from "@/server/core/requests/template";
import type { Tx } from "@/server/db/client";
import { requestApprovers, requestTemplates } from "@/server/db/schema";
import { notifyPeople } from "./notify";

/**
 * Opens a stage of a request: records who may decide it and tells the ones the stage's
 * notification policy picks (round_robin advances the template's position). Returns the approvers.
 */
export async function openStage(
  tx: Tx,
  opts: {
    request: { id: string; number: number; requesterName: string; templateName: string };
    template: { id: string; rotation: number[] };
    def: TemplateDefinition;
    stage: number;
    approverContext: ApproverContext;
    now: Date;
    random: () => number;
  },
): Promise<Approver[]> {
  const stage = opts.def.stages[opts.stage]!;
  const approvers = resolveApprovers(stage, opts.approverContext);
  if (approvers.length) {
    await tx
      .insert(requestApprovers)
      .values(
        approvers.map((a) => ({ requestId: opts.request.id, stage: opts.stage, identityId: a.identityId, via: a.via })),
      )
      .onConflictDoNothing();
  }
  const away = new Set(opts.approverContext.delegations.map((d) => d.delegatorId));
  const { recipients, rotation } = chooseRecipients(approvers, stage.notify.policy, stage.notify.count, {
    random: opts.random,
    rotation: opts.template.rotation[opts.stage] ?? 0,
    away,
  });
  if (stage.notify.policy === "round_robin") {
    const next = [...opts.template.rotation];
    next[opts.stage] = rotation;
    await tx.update(requestTemplates).set({ rotation: next }).where(eq(requestTemplates.id, opts.template.id));
  }
  const told = await notifyPeople(
    tx,
    recipients,
    {
      kind: "approval_needed",
      title: `REQ-${opts.request.number}: ${opts.request.requesterName} asks for ${opts.request.templateName}`,
      body: `${opts.request.requesterName} asked for ${opts.request.templateName}. ${opts.def.stages.length > 1 ? `Stage ${opts.stage + 1} of ${opts.def.stages.length}: ${stage.name}. ` : ""}Please approve, deny or ask for more information.`,
      link: `/requests/${opts.request.id}`,
      requestId: opts.request.id,
    },
    opts.now,
  );
  if (told.length) {
    await tx
      .update(requestApprovers)
      .set({ notifiedAt: opts.now })
      .where(
        and(
          eq(requestApprovers.requestId, opts.request.id),
          eq(requestApprovers.stage, opts.stage),
          inArray(requestApprovers.identityId, told),
        ),
      );
  }
  return approvers;
}
