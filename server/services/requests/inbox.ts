import {
  and,
  asc,
  count,
  eq,
  exists,
  gt,
  ilike,
  inArray,
  isNull,
  lte,
  ne,
  notExists,
  or,
  sql,
  type AnyColumn,
  type Placeholder,
  type SQL,
} from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { cursorInstant, decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageOf } from "@/server/core/lists/cursor";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern } from "@/server/db/like";
import { filterShapes, statementCache } from "@/server/db/statements";
import {
  accessRequests,
  delegations,
  identities,
  requestApprovers,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import type { PersonContext } from "../context";
import { organizationTimeZone } from "../time-zones";
import { withDuration } from "./queries";

type Ctx = PersonContext;

/**
 * What waits for the signed-in person's decision (directly, through a group, or as a delegate),
 * by the same rules as deciding (refusalToDecide, refusalToVote): not their own request or
 * proposal, nor one of someone who delegated to them; and not one whose vote they would cast
 * was cast already (by them, or by or for the approver they stand in for).
 */
function waitingForMe(ctx: Ctx): SQL {
  const ra = alias(requestApprovers, "mine");
  const who = { db: ctx.db, me: ctx.actor.identityId, now: ctx.clock() };
  return and(
    waitingBase(who),
    exists(
      ctx.db
        .select({ one: sql`1` })
        .from(ra)
        .where(
          and(
            eq(ra.requestId, accessRequests.id),
            eq(ra.stage, accessRequests.currentStage),
            eq(ra.identityId, ctx.actor.identityId),
            notVoted(who, ra),
          ),
        ),
    ),
  )!;
}

/** Who asks, and when. */
interface Who {
  db: Ctx["db"];
  me: string | Placeholder;
  now: Date | Placeholder;
}

/** The vote `ra` (my place among the current stage's approvers) would cast is not cast yet. */
function notVoted(ctx: Who, ra: { via: AnyColumn }): SQL {
  const me = ctx.me;
  // Whose vote I cast on this request: my own, or, as a delegate, my delegator's.
  const principal = sql`case when ${ra.via} like 'delegate:%' then substr(${ra.via}, 10)::uuid else ${me}::uuid end`;
  return notExists(
    ctx.db
      .select({ one: sql`1` })
      .from(requestVotes)
      .where(
        and(
          eq(requestVotes.requestId, accessRequests.id),
          eq(requestVotes.stage, accessRequests.currentStage),
          or(eq(requestVotes.identityId, me), sql`${requestVotes.principalId} = ${principal}`),
        ),
      ),
  );
}

/** Open, not mine, not proposed by me, and not from someone who delegated to me. */
function waitingBase(ctx: Who): SQL {
  const me = ctx.me;
  return and(
    inArray(accessRequests.status, ["pending", "needs_info"]),
    ne(accessRequests.requesterId, me),
    or(isNull(accessRequests.proposedBy), ne(accessRequests.proposedBy, me)),
    notExists(
      ctx.db
        .select({ one: sql`1` })
        .from(delegations)
        .where(
          and(
            eq(delegations.delegateId, me),
            or(
              eq(delegations.delegatorId, accessRequests.requesterId),
              eq(delegations.delegatorId, accessRequests.proposedBy),
            ),
            lte(delegations.startsAt, ctx.now),
            gt(delegations.endsAt, ctx.now),
            isNull(delegations.endedAt),
          ),
        ),
    ),
  )!;
}

export interface InboxInput {
  templateKey?: string;
  search?: string;
  status?: "pending" | "needs_info";
  /** rows per page, at most MAX_PAGE_SIZE */
  limit?: number;
  /** the previous page's nextCursor */
  cursor?: string;
}

const ISO_MICROSECONDS = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`);

/** What a page's query takes, as placeholders: one statement text per shape (filters used), bound per call. */
const bound = {
  me: sql.placeholder("me"),
  now: sql.placeholder("now"),
  templateKey: sql.placeholder("templateKey"),
  status: sql.placeholder("status"),
  pattern: sql.placeholder("pattern"),
  at: sql.placeholder("at"),
  id: sql.placeholder("id"),
  limit: sql.placeholder("limit"),
};

/** The filters a page's statement may have, in the order of its shape's key (server/db/statements.ts). */
const shapes = filterShapes(["templateKey", "status", "search", "cursor"] as const);

/** One person's column, looked up per row: a subquery, so the planner weighs a three-table join, not seven. */
const personColumn = <T>(column: AnyColumn, id: AnyColumn) =>
  sql<T>`(select ${column} from ${identities} where ${identities.id} = ${id})`;
const templateColumn = (column: AnyColumn) =>
  sql<string>`(select ${column} from ${requestTemplates} where ${requestTemplates.id} = ${accessRequests.templateId})`;

/**
 * The page's columns: what a row shows, not the whole assessment (the request's own page has the rest).
 * The names come from scalar subqueries rather than joins: planning a seven-table join cost ~1.5 ms of
 * PostgreSQL's CPU per call, more than running it.
 */
function inboxQuery(db: DbOrTx, shape: string) {
  const who = { db, me: bound.me, now: bound.now };
  const extra: SQL[] = [];
  if (shapes.uses(shape, "templateKey"))
    extra.push(
      sql`${accessRequests.templateId} = (select ${requestTemplates.id} from ${requestTemplates} where ${requestTemplates.key} = ${bound.templateKey})`,
    );
  if (shapes.uses(shape, "status")) extra.push(sql`${accessRequests.status} = ${bound.status}`);
  if (shapes.uses(shape, "search"))
    extra.push(
      or(
        exists(
          db
            .select({ one: sql`1` })
            .from(identities)
            .where(
              and(
                eq(identities.id, accessRequests.requesterId),
                or(ilike(identities.displayName, bound.pattern), ilike(identities.email, bound.pattern)),
              ),
            ),
        ),
        sql`('REQ-' || ${accessRequests.number}) ilike ${bound.pattern}`,
      )!,
    );
  if (shapes.uses(shape, "cursor"))
    extra.push(
      sql`(${accessRequests.createdAt}, ${accessRequests.id}) > (${bound.at}::timestamptz, ${bound.id}::uuid)`,
    );
  return (
    db
      .select({
        id: accessRequests.id,
        number: accessRequests.number,
        status: accessRequests.status,
        kind: accessRequests.kind,
        // ISO text, as the wire carries it: no Date to parse and to write again for each row
        createdAt: sql<string>`to_char(${accessRequests.createdAt} at time zone 'UTC', ${ISO_MICROSECONDS})`,
        durationMinutes: accessRequests.durationMinutes,
        templateName: templateColumn(requestTemplates.name),
        templateKey: templateColumn(requestTemplates.key),
        requesterName: personColumn<string>(identities.displayName, accessRequests.requesterId),
        requesterTitle: personColumn<string | null>(identities.jobTitle, accessRequests.requesterId),
        requesterDepartment: personColumn<string | null>(identities.department, accessRequests.requesterId),
        /** the assessment's verdict, not the assessment: outside the requester's role policy */
        outsidePolicy: sql<boolean>`(${accessRequests.assessment} ->> 'overall') = 'outside'`,
        proposerName: personColumn<string | null>(identities.displayName, accessRequests.proposedBy),
        proposal: accessRequests.proposal,
        via: requestApprovers.via,
        // the list shows two lines of it; the request's page shows it all
        justification: sql<string>`left(${accessRequests.justification}, 400)`,
        restrictions: accessRequests.restrictions,
      })
      .from(accessRequests)
      .innerJoin(
        requestApprovers,
        and(
          eq(requestApprovers.requestId, accessRequests.id),
          eq(requestApprovers.stage, accessRequests.currentStage),
          eq(requestApprovers.identityId, bound.me),
        ),
      )
      // The same rules as waitingForMe, on the approver row the query joins (one lookup, not two).
      .where(and(waitingBase(who), notVoted(who, requestApprovers), ...extra))
      .orderBy(asc(accessRequests.createdAt), asc(accessRequests.id))
      .limit(bound.limit)
      // Unnamed (""): the text is built once per shape, but PostgreSQL plans each call for its approver. A named
      // statement's generic plan (any approver) reads all of a busy approver's rows and sorts them (30 ms for the
      // CFO's 514), where the plan for this approver reads 26 in order.
      .prepare("")
  );
}

const inboxStatement = statementCache(inboxQuery);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * What waits for the signed-in person, oldest first, a page at a time (keyset on the time asked
 * and the id). A row carries what the inbox shows, not the whole assessment: whether the ask is
 * outside the requester's role policy; the request's own page has the rest.
 */
export async function listInbox({ ctx, input }: { ctx: Ctx; input: InboxInput }) {
  const limit = Math.min(input.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  // The cursor carries the row's time to the microsecond, as the query wrote it.
  const at = cursor && ISO_INSTANT.test(cursor.value) ? cursor.value : cursor && cursorInstant(cursor) && null;
  if (cursor && !at) throw new DomainError("INVALID_INPUT", "The cursor's time is not a time", { field: "cursor" });
  const term = input.search?.trim();
  const shape = shapes.keyOf({ templateKey: input.templateKey, status: input.status, search: term, cursor });
  const rows = await inboxStatement(ctx.db, shape).execute({
    me: ctx.actor.identityId,
    now: ctx.clock(),
    templateKey: input.templateKey,
    status: input.status,
    pattern: term ? containsPattern(term) : undefined,
    at,
    id: cursor?.id,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => ({ value: r.createdAt, id: r.id }));
  // The organization's zone words a proposal's window; most pages have none, so no query for it.
  const zone = page.rows.some((r) => r.proposal) ? await organizationTimeZone(ctx.db) : "UTC";
  return { ...page, rows: page.rows.map(withDuration(zone)) };
}

/** How many requests wait for the signed-in person (the number in the navigation). */
export async function inboxCount({ ctx }: { ctx: Ctx }) {
  const [row] = await ctx.db.select({ n: count() }).from(accessRequests).where(waitingForMe(ctx));
  return row?.n ?? 0;
}
