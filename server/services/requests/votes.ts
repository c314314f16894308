import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { requestMessages, requestVotes } from "@/server/db/schema";

export interface Vote {
  requestId: string;
  stage: number;
  /** who clicked */
  identityId: string;
  /** whose vote it counts as (the approver a delegate stands in for) */
  principalId: string;
  decision: "approve" | "deny";
  note: string | null;
  createdAt: Date;
  /** the line the request's thread shows for it ("Approved stage 2: …") */
  threadLine: string;
}

/** A vote and its line in the request's thread, in one statement (every decision writes both; issue 14). */
export async function recordVote(tx: Tx, vote: Vote): Promise<void> {
  const at = vote.createdAt.toISOString();
  await tx.execute(sql`
    with voted as (
      insert into ${requestVotes} (request_id, stage, identity_id, principal_id, decision, note, created_at)
      values (${vote.requestId}::uuid, ${vote.stage}::int, ${vote.identityId}::uuid, ${vote.principalId}::uuid,
        ${vote.decision}, ${vote.note}, ${at}::timestamptz)
    )
    insert into ${requestMessages} (request_id, author_id, kind, body, created_at)
    values (${vote.requestId}::uuid, ${vote.identityId}::uuid, 'event', ${vote.threadLine}, ${at}::timestamptz)`);
}
