import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { identities } from "./identities";

const at = (name?: string) =>
  name ? timestamp(name, { withTimezone: true, mode: "date" }) : timestamp({ withTimezone: true, mode: "date" });

/** Portal groups that approve (finance-approvers, on-call-leads, ...). */
export const approverGroups = pgTable("approver_groups", {
  key: text().primaryKey(),
  name: text().notNull(),
  description: text().notNull().default(""),
  createdAt: at().notNull().defaultNow(),
});

export const approverGroupMembers = pgTable(
  "approver_group_members",
  {
    groupKey: text()
      .notNull()
      .references(() => approverGroups.key, { onDelete: "cascade" }),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    /** position in the group, for first_n and round_robin */
    position: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupKey, t.identityId] })],
);

/** What can be asked for, for how long, who approves, how they are told (server/core/requests/template.ts). */
export const requestTemplates = pgTable(
  "request_templates",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull().unique(),
    name: text().notNull(),
    description: text().notNull().default(""),
    /** the template's whole definition, validated by core */
    definition: jsonb().notNull(),
    active: boolean().notNull().default(true),
    /**
     * catalog (IT made it), fallback (made for a prompt-for-request fallback) or proposal (the one
     * built-in form of exceptions IT proposes, each with its own terms); only catalog forms are listed.
     */
    origin: text().notNull().default("catalog"),
    /** round_robin position per stage */
    rotation: jsonb().notNull().default([]),
    createdAt: at().notNull(),
    updatedAt: at().notNull(),
    updatedBy: text().notNull(),
  },
  (t) => [check("request_templates_key_format", sql`${t.key} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)],
);

/**
 * One person's ask against a template. Status: pending (waiting on approvers), needs_info
 * (waiting on the requester), granting (approved with the template's failure mode "block": the
 * approval stands only once the system confirms the grant; still open), approved, denied,
 * cancelled, expired (nobody decided in time).
 */
export const accessRequests = pgTable(
  "access_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: serial().notNull().unique(),
    templateId: uuid()
      .notNull()
      .references(() => requestTemplates.id),
    requesterId: uuid()
      .notNull()
      .references(() => identities.id),
    /** access, or extension of an earlier approved request */
    kind: text().notNull().default("access"),
    extendsRequestId: uuid(),
    status: text().notNull(),
    justification: text().notNull(),
    durationMinutes: integer().notNull(),
    /** when the access should start: at approval (null) or a time the requester picked */
    requestedStart: at(),
    fields: jsonb().notNull().default({}),
    ticketReference: text(),
    /** vendor restrictions asked for (the template's, with any IP ranges the requester named), as approvers saw them; null: none */
    restrictions: jsonb(),
    /** what the policy engine said when it was asked: covered, outside, refused (with who/what) */
    assessment: jsonb().notNull(),
    currentStage: integer().notNull().default(0),
    stageStartedAt: at().notNull(),
    escalatedStage: integer(),
    remindedAt: at(),
    createdAt: at().notNull(),
    decidedAt: at(),
    decidedBy: text(),
    decisionNote: text(),
    /** why an auto-approval rule approved it */
    autoApprovedBecause: text(),
    accessStartsAt: at(),
    accessEndsAt: at(),
    /** approval stages for this request when they differ from the template's (an escalated extension) */
    approvalStages: jsonb(),
    /**
     * The IT admin who proposed this access for the requester (issue 12): then the request carries
     * its own terms in `proposal` and the named approver decides it like any other request.
     */
    proposedBy: uuid().references(() => identities.id),
    /** A proposal's terms (server/core/requests/proposal.ts): what to grant, extend or keep, until when. */
    proposal: jsonb(),
  },
  (t) => [
    check(
      "access_requests_status",
      sql`${t.status} in ('pending', 'needs_info', 'granting', 'approved', 'denied', 'cancelled', 'expired')`,
    ),
    check("access_requests_duration", sql`${t.durationMinutes} > 0`),
    // One open request per person per template (invariant 7), whoever else tries at the same time;
    // a request being granted is still open (a refused grant puts it back to pending).
    // Proposals share one built-in form; the service allows one open proposal per person and resource.
    uniqueIndex("access_requests_one_open_per_template")
      .on(t.requesterId, t.templateId)
      .where(sql`${t.status} in ('pending', 'needs_info', 'granting') and ${t.proposedBy} is null`),
    uniqueIndex("access_requests_one_open_proposal")
      .on(t.requesterId, sql`(${t.proposal} ->> 'resource')`)
      .where(sql`${t.status} in ('pending', 'needs_info', 'granting') and ${t.proposedBy} is not null`),
    check("access_requests_proposal", sql`(${t.proposedBy} is null) = (${t.proposal} is null)`),
    // The inbox, oldest first: open requests walked in order, each checked against its approvers.
    index("access_requests_waiting_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} in ('pending', 'needs_info')`),
    // Nobody proposes access for themselves.
    check("access_requests_not_self_proposed", sql`${t.proposedBy} is null or ${t.proposedBy} <> ${t.requesterId}`),
    index("access_requests_requester_idx").on(t.requesterId, t.createdAt),
    index("access_requests_status_idx").on(t.status, t.createdAt),
  ],
);

/** Who may decide each stage (and why: named, group, manager, owner, delegate, escalation). */
export const requestApprovers = pgTable(
  "request_approvers",
  {
    requestId: uuid()
      .notNull()
      .references(() => accessRequests.id, { onDelete: "cascade" }),
    stage: integer().notNull(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    via: text().notNull(),
    notifiedAt: at(),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.stage, t.identityId] }),
    index("request_approvers_identity_idx").on(t.identityId),
  ],
);

/**
 * One vote per person per stage, and one per principal: a delegate votes for the person who
 * delegated to them, so the two together count once (N of M means N different principals).
 */
export const requestVotes = pgTable(
  "request_votes",
  {
    requestId: uuid()
      .notNull()
      .references(() => accessRequests.id, { onDelete: "cascade" }),
    stage: integer().notNull(),
    /** who clicked */
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    /** whose vote it is: the voter, or the approver they stand in for as delegate */
    principalId: uuid()
      .notNull()
      .references(() => identities.id),
    decision: text().notNull(),
    note: text(),
    createdAt: at().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.stage, t.identityId] }),
    uniqueIndex("request_votes_one_per_principal").on(t.requestId, t.stage, t.principalId),
    check("request_votes_decision", sql`${t.decision} in ('approve', 'deny')`),
  ],
);

/** The discussion thread: comments, questions for more information and their answers. */
export const requestMessages = pgTable(
  "request_messages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    requestId: uuid()
      .notNull()
      .references(() => accessRequests.id, { onDelete: "cascade" }),
    authorId: uuid().references(() => identities.id),
    /** comment | info_request | info_answer | event */
    kind: text().notNull(),
    body: text().notNull(),
    createdAt: at().notNull(),
  },
  (t) => [index("request_messages_request_idx").on(t.requestId, t.id)],
);

/** Out-of-office: the delegate decides for the delegator between the dates. */
export const delegations = pgTable(
  "delegations",
  {
    id: uuid().primaryKey().defaultRandom(),
    delegatorId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    delegateId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    startsAt: at().notNull(),
    endsAt: at().notNull(),
    reason: text().notNull().default(""),
    createdAt: at().notNull(),
    endedAt: at(),
  },
  (t) => [
    check("delegations_dates", sql`${t.endsAt} > ${t.startsAt}`),
    check("delegations_not_self", sql`${t.delegatorId} <> ${t.delegateId}`),
    index("delegations_delegator_idx").on(t.delegatorId),
  ],
);

/** The in-app notification center. */
export const notifications = pgTable(
  "notifications",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    recipientId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    title: text().notNull(),
    body: text().notNull().default(""),
    link: text(),
    requestId: uuid().references(() => accessRequests.id, { onDelete: "cascade" }),
    createdAt: at().notNull(),
    readAt: at(),
  },
  (t) => [index("notifications_recipient_idx").on(t.recipientId, t.id)],
);

/** Email to send (SMTP_URL) or, without SMTP, to show on the development outbox page. */
export const outboxEmails = pgTable(
  "outbox_emails",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    bodyText: text().notNull(),
    createdAt: at().notNull(),
    sentAt: at(),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [
    index("outbox_emails_unsent_idx")
      .on(t.id)
      .where(sql`${t.sentAt} is null`),
  ],
);

/** An approved request handed to provisioning: exactly one per request. */
export const provisioningHandoffs = pgTable("provisioning_handoffs", {
  id: uuid().primaryKey().defaultRandom(),
  requestId: uuid()
    .notNull()
    .unique()
    .references(() => accessRequests.id),
  createdAt: at().notNull(),
  /** waiting | taken (provisioning created the exceptions and operations) */
  status: text().notNull().default("waiting"),
});
