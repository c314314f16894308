import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessExceptions, accessRequests } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { mutate, signIn } from "./support/client";
import { startInstance, type Instance } from "./support/instance";
import {
  adapterCallsByOperation,
  auditCounts,
  auditVerifies,
  checkOperationsAtTarget,
  IT_ADMIN,
  openExceptions,
  operationStatuses,
  operationsOf,
  proposals,
  webhookSystem,
} from "./support/scene";
import { startRecordingTarget, type RecordedCall, type RecordingTarget } from "./support/target";
import { until } from "./support/wait";

/**
 * `kill -9` of one of two instances while people approve and revoke over HTTP against both: what
 * was decided is decided once, what was queued is carried out once at the target, the audit chain
 * verifies and nothing is left under way (issue 14, "Tests").
 */
const SECRET = "whsec_cluster_kill";
const APPROVER = "cfo@company.com";
const EACH = 30;
let t: TestDatabase;
let target: RecordingTarget;
let a: Instance;
let b: Instance;
let toApprove: string[] = [];
let toRevoke: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  // Slow enough that the instances are often in the middle of a call.
  target = await startRecordingTarget({ secret: SECRET, delayMs: 150 });
  const keys = await webhookSystem(t.db, { key: "vendor-crm", url: target.url, secret: SECRET, count: 2 * EACH });
  toRevoke = await openExceptions(t.db, keys.slice(0, EACH));
  toApprove = await proposals(t.db, keys.slice(EACH), APPROVER);
  // The system's bound on calls under way is counted across instances, each against its own
  // setting: with b's calls held it fills its 8 and stops claiming, and a, allowed 16, takes the
  // next due operation at its next tick. With the same bound, whichever instance filled the slots
  // first kept them, and a call of a's at the target was left to chance (a CI run failed so).
  const started = await Promise.all(
    ["a", "b"].map((name) =>
      startInstance({
        name,
        databaseUrl: t.url,
        ownerUrl: t.ownerUrl,
        env: name === "a" ? { CLEARANCE_PROVISIONING_CONCURRENCY: "16" } : {},
      }),
    ),
  );
  [a, b] = [started[0]!, started[1]!];
  // The exceptions to revoke are delivered first.
  await until(
    async () => (await operationStatuses(t.db, toRevoke))["grant:done"] === EACH,
    "the grants of the exceptions to revoke",
    120_000,
  );
});
afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((i) => i.stop()));
  await target?.close();
  await t?.close();
});

type Work = { kind: "approve" | "revoke"; id: string; tries: { on: string; outcome: string }[] };

describe("kill -9 of one instance during approvals and revokes", () => {
  it("loses and doubles nothing: each request decided once, each grant and revoke done once at the target", async () => {
    // Sessions made on b are good on a too (one database, one AUTH_SECRET).
    const cookies = { approve: await signIn(b.url, APPROVER), revoke: await signIn(b.url, IT_ADMIN) };
    const work: Work[] = toApprove.flatMap((id, i) => [
      { kind: "approve" as const, id, tries: [] },
      { kind: "revoke" as const, id: toRevoke[i]!, tries: [] },
    ]);
    let killed = false;
    let finished = 0;
    const killAt = Math.floor(work.length / 3);
    const kill: { done?: Promise<RecordedCall | null> } = {};
    /**
     * kill -9 of a while a call it makes is held open at the target: the target stops answering,
     * and once a call from one of a's processes is waiting there, a dies; then the target answers again.
     * People go on deciding on both instances meanwhile, so some of their calls are cut off too.
     */
    const killWithCallInFlight = async () => {
      target.pause();
      const found: { call: RecordedCall | null } = { call: null };
      await until(async () => {
        found.call = target.open().find((c) => a.ownsConnectionFrom(c.remotePort)) ?? null;
        return found.call !== null;
      }, "a call from instance a at the target").catch(() => undefined);
      await a.kill9();
      target.resume();
      return found.call;
    };

    /** As a load balancer would: alternate between the instances, and b alone once a is gone; a failed connection is tried again on b. */
    const send = async (item: Work, index: number) => {
      let instance = !killed && index % 2 === 0 ? a : b;
      for (;;) {
        try {
          const result =
            item.kind === "approve"
              ? await mutate(instance.url, cookies.approve, "requests.decide", {
                  requestId: item.id,
                  decision: "approve",
                })
              : await mutate(instance.url, cookies.revoke, "exceptions.revoke", {
                  exceptionId: item.id,
                  reason: "The project ended early",
                });
          item.tries.push({ on: instance.name, outcome: result.ok ? "ok" : `${result.code}: ${result.message}` });
          return;
        } catch (err) {
          item.tries.push({ on: instance.name, outcome: `network: ${(err as Error).message}` });
          if (instance === b) throw err;
          instance = b;
        }
      }
    };
    // Four people at a time; a dies once a third of the work has answered.
    const queue = work.map((item, index) => ({ item, index }));
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          await send(next.item, next.index);
          if (++finished === killAt) {
            kill.done = killWithCallInFlight().finally(() => (killed = true));
          }
        }
      }),
    );
    const cutOff = await kill.done;
    expect(a.exited()).toBe(true);
    expect(cutOff, "a call of a's was in flight when it died").not.toBeNull();

    // Every call answered in the end: at once, or on b after a's connection broke. A call that a
    // carried out before it died is refused on b as already done, which is the same outcome.
    const problems = work.filter((w) => {
      const last = w.tries.at(-1)!.outcome;
      return !(last === "ok" || (w.tries.length > 1 && /^CONFLICT: .*(already|decided)/i.test(last)));
    });
    expect(problems).toEqual([]);
    const retried = work.filter((w) => w.tries.length > 1);

    // Each request approved once, with one exception; each revoked exception ended once.
    const requests = await t.db.select().from(accessRequests).where(inArray(accessRequests.id, toApprove));
    expect(requests.map((r) => r.status)).toEqual(toApprove.map(() => "approved"));
    const granted = await t.db.select().from(accessExceptions).where(inArray(accessExceptions.requestId, toApprove));
    expect(granted.map((e) => e.requestId).sort()).toEqual([...toApprove].sort());
    const revoked = await t.db.select().from(accessExceptions).where(inArray(accessExceptions.id, toRevoke));
    expect(revoked.filter((e) => e.endReason === "revoked")).toHaveLength(EACH);
    const audited = await auditCounts(t.db, [...toApprove, ...toRevoke], ["request.approved", "exception.revoked"]);
    expect(toApprove.filter((id) => audited(id, "request.approved") !== 1)).toEqual([]);
    expect(toRevoke.filter((id) => audited(id, "exception.revoked") !== 1)).toEqual([]);

    // b finishes what a left: every grant and removal done, none pending, failed or cancelled.
    const all = [...granted.map((e) => e.id), ...toRevoke];
    await until(
      async () => {
        const s = await operationStatuses(t.db, all);
        return s["grant:done"] === 2 * EACH && s["revoke:done"] === EACH && Object.keys(s).length === 2;
      },
      "b to carry out every grant and removal",
      120_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await operationStatuses(t.db, all))}\n${b.tail()}`);
    });
    const operations = await operationsOf(t.db, all);
    const logged = await adapterCallsByOperation(
      t.db,
      operations.map((o) => o.id),
    );
    const atTarget = checkOperationsAtTarget(target, operations, logged, { crashed: true });
    expect(atTarget.problems).toEqual([]);
    // The call a died in the middle of was made again by b, with the same key, and answered.
    const again = target.byKey().get(cutOff!.idempotencyKey)!;
    expect(again.length).toBeGreaterThanOrEqual(2);
    expect(again.some((c) => c.answered)).toBe(true);
    console.log(
      `kill -9: ${finished} calls answered (a killed after ${killAt}), ${retried.length} sent ` +
        `again to b (${retried.map((w) => w.tries.at(-1)!.outcome.split(":")[0]).join(", ")}); ` +
        `${target.calls.length} calls at the target for ${operations.length} operations, ${atTarget.repeats} of them repeats with the same key`,
    );
    await auditVerifies(t.url);
  });
});
