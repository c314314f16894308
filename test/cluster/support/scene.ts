import { and, inArray, ne, sql } from "drizzle-orm";
import { spawn } from "node:child_process";
import type { Db } from "@/server/db/client";
import {
  accessExceptions,
  adapterCalls,
  auditEvents,
  identities,
  provisioningOperations,
  resources,
  systems,
} from "@/server/db/schema";
import { insertException } from "@/server/services/exceptions/create";
import { proposeException } from "@/server/services/exceptions/propose";
import { as } from "@/test/support/requests";
import type { RecordingTarget } from "./target";
import { until } from "./wait";

export const IT_ADMIN = "priya.raman@company.com";

/** A system on the webhook adapter pointed at the test's target, with `count` group resources. */
export async function webhookSystem(
  db: Db,
  { key, url, secret, count }: { key: string; url: string; secret: string; count: number },
) {
  await db.insert(systems).values({
    key,
    name: `Vendor app ${key}`,
    adapterKind: "webhook",
    adapterConfig: { url, secret },
    accessLevels: ["member"],
  });
  const rows = Array.from({ length: count }, (_, i) => {
    const name = `g-${String(i + 1).padStart(3, "0")}`;
    return { key: `${key}:group:${name}`, systemKey: key, type: "group", name };
  });
  await db.insert(resources).values(rows);
  return rows.map((r) => r.key);
}

/** Active people, to hold the test's exceptions (one resource each, so no two share a person+resource). */
export async function activePeople(db: Db) {
  return db
    .select({ id: identities.id, email: identities.email })
    .from(identities)
    .where(and(sql`lower(trim(${identities.employmentStatus})) = 'active'`, ne(identities.email, IT_ADMIN)))
    .orderBy(identities.email);
}

/**
 * Exceptions made the way IT records one (insertException: audited, its grant queued in retry
 * mode), one per resource, started an hour ago and expiring in an hour. Returns their ids.
 */
export async function openExceptions(db: Db, resourceKeys: string[]): Promise<string[]> {
  const people = await activePeople(db);
  const it = await as(db, IT_ADMIN, () => new Date());
  const startsAt = new Date(Date.now() - 3600_000);
  const expiresAt = new Date(Date.now() + 3600_000);
  const ids: string[] = [];
  for (const [i, resourceKey] of resourceKeys.entries()) {
    const { exception } = await db.transaction((tx) =>
      insertException(
        tx,
        it,
        {
          identityId: people[i % people.length]!.id,
          resourceKey,
          level: null,
          source: "admin",
          type: "project",
          justification: "Cluster test: access to a vendor app group",
          references: { project: "Cluster test" },
          restrictions: {},
          approverId: it.actor.identityId,
          approvalRule: null,
          approvalNote: null,
          approvedAt: startsAt,
          requestId: null,
          templateId: null,
          startsAt,
          expiresAt,
        },
        { mode: "retry", maxAttempts: 5 },
      ),
    );
    ids.push(exception.id);
  }
  return ids;
}

/**
 * IT proposes an exception on each resource for a different person, to be decided by `approverEmail`
 * in their inbox: pending requests, one stage each. Returns the requests' ids.
 */
export async function proposals(db: Db, resourceKeys: string[], approverEmail: string): Promise<string[]> {
  const people = (await activePeople(db)).filter((p) => p.email !== approverEmail);
  const it = await as(db, IT_ADMIN, () => new Date());
  const ids: string[] = [];
  for (const [i, resource] of resourceKeys.entries()) {
    const request = await proposeException({
      ctx: it,
      input: {
        identityId: people[i % people.length]!.id,
        resource,
        level: null,
        type: "project",
        justification: "Cluster test: a vendor app group for a project",
        references: { project: "Cluster test" },
        restrictions: {},
        approverEmail,
        expiresAt: new Date(Date.now() + 2 * 3600_000),
      },
    });
    ids.push(request.id);
  }
  return ids;
}

export const exceptionsByIds = (db: Db, ids: string[]) =>
  db.select().from(accessExceptions).where(inArray(accessExceptions.id, ids));

export const operationsOf = (db: Db, exceptionIds: string[]) =>
  db.select().from(provisioningOperations).where(inArray(provisioningOperations.exceptionId, exceptionIds));

/** How many audit events of each action each subject has. */
export async function auditCounts(db: Db, subjectIds: string[], actions: string[]) {
  const rows = await db
    .select({ subjectId: auditEvents.subjectId, action: auditEvents.action, n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(inArray(auditEvents.subjectId, subjectIds), inArray(auditEvents.action, actions)))
    .groupBy(auditEvents.subjectId, auditEvents.action);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(`${r.subjectId} ${r.action}`, r.n);
  return (subjectId: string, action: string) => counts.get(`${subjectId} ${action}`) ?? 0;
}

/** adapter_calls rows per provisioning operation. */
export async function adapterCallsByOperation(db: Db, operationIds: string[]) {
  const rows = await db
    .select({ operationId: adapterCalls.operationId, outcome: adapterCalls.outcome, n: sql<number>`count(*)::int` })
    .from(adapterCalls)
    .where(inArray(adapterCalls.operationId, operationIds))
    .groupBy(adapterCalls.operationId, adapterCalls.outcome);
  const counts = new Map<string, { total: number; done: number }>();
  for (const r of rows) {
    const c = counts.get(r.operationId!) ?? { total: 0, done: 0 };
    c.total += r.n;
    if (r.outcome === "done") c.done += r.n;
    counts.set(r.operationId!, c);
  }
  return (operationId: string) => counts.get(operationId) ?? { total: 0, done: 0 };
}

/**
 * Every operation reached the target, and only with its own id as idempotency key: a call made
 * again (an instance died with it in flight, or it was retried) carries the same key, so the target
 * applies it once. adapter_calls logs every call the target saw (`crashed`: at most those, as a call
 * cut off by a crash is never logged) and a successful one for each operation. No call at the target
 * has a key that is not an operation's. Returns the problems found and how many calls were repeats.
 */
export function checkOperationsAtTarget(
  target: RecordingTarget,
  operations: { id: string; action: string; resourceKey: string }[],
  logged: (operationId: string) => { total: number; done: number },
  { crashed }: { crashed: boolean },
) {
  const byKey = target.byKey();
  const problems: string[] = [];
  let repeats = 0;
  for (const op of operations) {
    const calls = byKey.get(op.id) ?? [];
    const log = logged(op.id);
    if (!calls.some((c) => c.answered))
      problems.push(`${op.action} ${op.id} (${op.resourceKey}) never answered at the target`);
    if (calls.some((c) => c.action !== op.action || c.operationId !== op.id || c.resource !== op.resourceKey))
      problems.push(`${op.action} ${op.id}: a call at the target does not match it: ${JSON.stringify(calls)}`);
    if (log.done < 1) problems.push(`${op.action} ${op.id}: no successful call in adapter_calls`);
    if (crashed ? log.total > calls.length : log.total !== calls.length)
      problems.push(`${op.action} ${op.id}: adapter_calls logs ${log.total} calls, the target saw ${calls.length}`);
    repeats += Math.max(0, calls.length - 1);
  }
  const known = new Set(operations.map((o) => o.id));
  for (const c of target.calls)
    if (!known.has(c.idempotencyKey)) problems.push(`a call with an unknown idempotency key: ${JSON.stringify(c)}`);
  return { problems, repeats };
}

/** `clearance audit verify` on the database, as an operator runs it; retried while events are still being chained. */
export async function auditVerifies(databaseUrl: string): Promise<string> {
  let last = "";
  await until(
    async () => {
      const { code, output } = await runCli(["audit", "verify"], { DATABASE_URL: databaseUrl });
      last = output;
      return code === 0;
    },
    "`clearance audit verify` to pass",
    60_000,
    1000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${last}`);
  });
  return last;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/cli.ts", ...args], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}

export const operationStatuses = async (db: Db, exceptionIds: string[]) =>
  (await operationsOf(db, exceptionIds)).reduce<Record<string, number>>((acc, o) => {
    const k = `${o.action}:${o.status}`;
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});
