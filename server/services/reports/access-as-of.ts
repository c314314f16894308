import { and, desc, eq, gt, isNotNull, lte } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { evaluateIdentity, explainAccess, type PolicyIdentity } from "@/server/core/policy";
import type { ReportFilters } from "@/server/core/reports/filters";
import type { DbOrTx } from "@/server/db/client";
import {
  accessExceptions,
  exceptionExtensions,
  identities,
  identityAttributeChanges,
  policySetVersions,
} from "@/server/db/schema";
import { loadPolicyIdentities, policyEngine } from "../policies";
import { versionFiles } from "../policies/engine";
import type { ReportSource } from "./report-source";

const approver = alias(identities, "approver");

/** The policy version that was active at `at`: the latest activated by then. */
async function versionAt(db: DbOrTx, at: Date) {
  const [v] = await db
    .select()
    .from(policySetVersions)
    .where(
      and(
        eq(policySetVersions.status, "active"),
        isNotNull(policySetVersions.activatedAt),
        lte(policySetVersions.activatedAt, at),
      ),
    )
    .orderBy(desc(policySetVersions.activatedAt), desc(policySetVersions.id))
    .limit(1);
  return v ?? null;
}

/** Everyone's HR attributes as they were at `at`: today's, with every later change undone, newest first. */
async function peopleAt(db: DbOrTx, at: Date): Promise<PolicyIdentity[]> {
  const [now, later, created] = await Promise.all([
    loadPolicyIdentities(db),
    db
      .select()
      .from(identityAttributeChanges)
      .where(gt(identityAttributeChanges.effectiveAt, at))
      .orderBy(desc(identityAttributeChanges.effectiveAt), desc(identityAttributeChanges.id)),
    db.select({ id: identities.id, createdAt: identities.createdAt }).from(identities),
  ]);
  const existed = new Set(created.filter((c) => c.createdAt <= at).map((c) => c.id));
  const byId = new Map(
    now.filter((p) => existed.has(p.id)).map((p) => [p.id, { id: p.id, attributes: { ...p.attributes } }]),
  );
  for (const change of later) {
    const person = byId.get(change.identityId);
    if (person) (person.attributes as Record<string, unknown>)[change.attribute] = change.oldValue;
  }
  return [...byId.values()] as PolicyIdentity[];
}

/** Exceptions that counted at `at`, with the expiry they had then (before later extensions). */
async function exceptionsAt(db: DbOrTx, at: Date) {
  const [rows, extensions] = await Promise.all([
    db
      .select({ e: accessExceptions, approverEmail: approver.email })
      .from(accessExceptions)
      .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
      .where(and(lte(accessExceptions.startsAt, at), lte(accessExceptions.createdAt, at))),
    db.select().from(exceptionExtensions).where(gt(exceptionExtensions.approvedAt, at)),
  ]);
  const expiryThen = new Map<string, Date>();
  for (const x of extensions) {
    const known = expiryThen.get(x.exceptionId);
    if (!known || x.previousExpiresAt < known) expiryThen.set(x.exceptionId, x.previousExpiresAt);
  }
  return rows.filter(({ e }) => at < (expiryThen.get(e.id) ?? e.expiresAt) && (e.endedAt === null || at < e.endedAt));
}

export interface AccessAsOfRow {
  person: string;
  department: string | null;
  resource: string;
  level: string | null;
  source: "policy" | "exception" | "fallback";
  why: string;
  policyVersion: number | null;
}

/**
 * Who had what at `at`, and why (issue 6, report 1): the policy version active then, evaluated
 * on HR attributes as they were then (today's with later changes undone), plus the exceptions
 * that counted then, with the expiry they had then. Deny policies and Active status apply as
 * they did. Aliases and scales are today's.
 */
export async function accessAsOf(db: DbOrTx, at: Date, filters: ReportFilters = {}): Promise<AccessAsOfRow[]> {
  const version = await versionAt(db, at);
  const [engine, people, exceptions] = await Promise.all([
    policyEngine(db, await versionFiles(db, version?.id ?? null)),
    peopleAt(db, at),
    exceptionsAt(db, at),
  ]);
  const emails = new Map(
    (await db.select({ id: identities.id, email: identities.email }).from(identities)).map((p) => [p.id, p.email]),
  );
  const out: AccessAsOfRow[] = [];
  const matches = (row: AccessAsOfRow) =>
    (!filters.system || row.resource.startsWith(`${filters.system}:`)) &&
    (!filters.department || row.department === filters.department) &&
    (!filters.person || row.person.toLowerCase().includes(filters.person.toLowerCase()));
  const byPerson = new Map(people.map((p) => [p.id, p]));
  for (const person of people) {
    const department = (person.attributes.department as string | null) ?? null;
    for (const g of evaluateIdentity(engine.compiled, person, at)) {
      const row: AccessAsOfRow = {
        person: emails.get(person.id)!,
        department,
        resource: g.resource,
        level: g.level,
        source: "policy",
        why: g.via.join(" → "),
        policyVersion: version?.id ?? null,
      };
      if (matches(row)) out.push(row);
    }
  }
  for (const { e, approverEmail } of exceptions) {
    const person = byPerson.get(e.identityId);
    if (!person) continue;
    const explanation = explainAccess(engine.compiled, person, e.resourceKey, at);
    // Invariants 2 and 3 held then too: not Active, or refused by a deny policy, means no access.
    if (!explanation.active || explanation.deniedBy.length) continue;
    const row: AccessAsOfRow = {
      person: emails.get(e.identityId)!,
      department: (person.attributes.department as string | null) ?? null,
      resource: e.resourceKey,
      level: e.level,
      source: e.source === "fallback" ? "fallback" : "exception",
      why:
        e.source === "fallback"
          ? `EXC-${e.number} given by fallback ${e.fallbackName}`
          : `EXC-${e.number} (${e.type}) approved by ${approverEmail ?? e.approvalRule}`,
      policyVersion: version?.id ?? null,
    };
    if (matches(row)) out.push(row);
  }
  return out.sort(
    (a, b) =>
      a.person.localeCompare(b.person) || a.resource.localeCompare(b.resource) || a.source.localeCompare(b.source),
  );
}

/** The report as a source for exports: one batch, computed at once. */
export function accessAsOfSource(db: DbOrTx, filters: ReportFilters): ReportSource {
  const at = filters.at ? new Date(filters.at) : new Date();
  return {
    name: `access-as-of-${at.toISOString().slice(0, 10)}`,
    pdfColumns: ["person", "department", "resource", "level", "source", "why"],
    columns: ["person", "department", "resource", "level", "source", "why", "policy_version", "as_of"],
    async *rows() {
      const rows = await accessAsOf(db, at, filters);
      for (let i = 0; i < rows.length; i += 5000)
        yield rows
          .slice(i, i + 5000)
          .map((r) => [
            r.person,
            r.department,
            r.resource,
            r.level,
            r.source,
            r.why,
            r.policyVersion,
            at.toISOString(),
          ]);
    },
  };
}
