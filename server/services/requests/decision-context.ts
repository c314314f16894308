import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import {
  delegations,
  exceptionTypeSettings,
  identities,
  organizationSettings,
  requestApprovers,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import { DEFAULT_TIME_ZONE } from "@/server/core/time";
import type { TypeSettings } from "@/server/core/exceptions/types";
import { typeSettingsFrom } from "../exceptions/settings";
import { parseTemplate } from "./context";

const bound = {
  requestId: sql.placeholder("requestId"),
  templateId: sql.placeholder("templateId"),
  requesterId: sql.placeholder("requesterId"),
  stage: sql.placeholder("stage"),
  me: sql.placeholder("me"),
  now: sql.placeholder("now"),
};

const ra = requestApprovers;
const v = requestVotes;
const d = delegations;
const s = exceptionTypeSettings;

/**
 * Everything a decision reads besides the request itself, in one statement: each was its own round
 * trip (eight in all, with the reads provisioning repeated; issue 14). Run after the request's row is
 * locked: a new statement sees what the transaction that held the lock committed (the other approver's
 * vote), as the separate reads did.
 */
const decisionContextQuery = (tx: Tx) =>
  tx
    .select({
      template: requestTemplates,
      stageApprovers: sql<{ identityId: string; via: string }[]>`(
        select coalesce(json_agg(json_build_object('identityId', ${ra.identityId}, 'via', ${ra.via})), '[]'::json)
        from ${ra} where ${ra.requestId} = ${bound.requestId}::uuid and ${ra.stage} = ${bound.stage}::int)`,
      // The approvers who were told about it, at any stage: they learn how it ended.
      told: sql<string[]>`(
        select coalesce(json_agg(${ra.identityId}), '[]'::json)
        from ${ra} where ${ra.requestId} = ${bound.requestId}::uuid and ${ra.notifiedAt} is not null)`,
      votes: sql<{ identityId: string; principalId: string; decision: "approve" | "deny" }[]>`(
        select coalesce(json_agg(json_build_object(
          'identityId', ${v.identityId}, 'principalId', ${v.principalId}, 'decision', ${v.decision})), '[]'::json)
        from ${v} where ${v.requestId} = ${bound.requestId}::uuid and ${v.stage} = ${bound.stage}::int)`,
      delegations: sql<{ delegatorId: string; delegateId: string }[]>`(
        select coalesce(json_agg(json_build_object('delegatorId', ${d.delegatorId}, 'delegateId', ${d.delegateId})), '[]'::json)
        from ${d} where ${d.startsAt} <= ${bound.now}::timestamptz and ${d.endsAt} > ${bound.now}::timestamptz
          and ${d.endedAt} is null)`,
      deciderStatus: sql<string | null>`(
        select ${identities.employmentStatus} from ${identities} where ${identities.id} = ${bound.me}::uuid)`,
      requesterName: sql<string>`(
        select ${identities.displayName} from ${identities} where ${identities.id} = ${bound.requesterId}::uuid)`,
      timeZone: sql<string | null>`(select ${organizationSettings.timeZone} from ${organizationSettings} limit 1)`,
      // The saved settings of the template's exception type (provisioning checks the window against them).
      typeSettings: sql<TypeSettings | null>`(
        select json_build_object('maxDurationMinutes', ${s.maxDurationMinutes},
          'reminderOffsetsMinutes', ${s.reminderOffsetsMinutes}, 'extensible', ${s.extensible},
          'escalatedApproverGroup', ${s.escalatedApproverGroup})
        from ${s} where ${s.type} = ${requestTemplates.definition}->>'exceptionType')`,
    })
    .from(requestTemplates)
    .where(eq(requestTemplates.id, bound.templateId))
    // Built for each transaction (a statement belongs to its connection); unnamed, planned per call.
    .prepare("");

export type DecisionContext = Awaited<ReturnType<typeof loadDecisionContext>>;

/** What deciding `request`'s current stage needs to know, read in one statement (see above). */
export async function loadDecisionContext(
  tx: Tx,
  request: { id: string; templateId: string; requesterId: string; currentStage: number },
  deciderId: string,
  now: Date,
) {
  const [row] = await decisionContextQuery(tx).execute({
    requestId: request.id,
    templateId: request.templateId,
    requesterId: request.requesterId,
    stage: request.currentStage,
    me: deciderId,
    now,
  });
  const { template, timeZone, typeSettings, ...rest } = row!;
  const parsed = parseTemplate(template);
  const type = parsed.definition.exceptionType;
  return {
    ...rest,
    templateRow: template,
    template: parsed,
    timeZone: timeZone ?? DEFAULT_TIME_ZONE,
    typeSettings: { type, settings: typeSettingsFrom(type, typeSettings) },
  };
}
