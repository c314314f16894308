import pg from "pg";
import { encodeInput } from "./trpc";

/**
 * The decision mix (goal 2): 16 approvers, each signed in, approve their own pending requests
 * over HTTP at once (requests.decide, the inbox's Approve), one decision at a time each, on one
 * instance or spread over two. Meanwhile pg_stat_activity is sampled: how many of the run
 * database's active connections wait on a lock (wait_event_type Lock: advisory, row or relation).
 */

export interface Approver {
  email: string;
  cookie: string;
  /** pending requests waiting for this approver, taken from the front by each run */
  queue: string[];
}

export interface DecisionResult {
  /** every decision made, also those answered after the window below ended */
  decisions: number;
  errors: number;
  firstError: string | null;
  /** the whole run, until the last worker's last answer */
  seconds: number;
  /** decisions answered while every worker was busy, over that window (t0 until the first worker stopped) */
  perSecond: number;
  /** the window in which every worker was busy: until the deadline, or until the first one ran out */
  busySeconds: number;
  busyDecisions: number;
  /** some worker ran out of requests before the time was up */
  ranOut: boolean;
  /** pg_stat_activity samples: active connections and those waiting on a lock, summed over samples */
  samples: number;
  activeAvg: number;
  lockWaitAvg: number;
  lockWaitMax: number;
  /** connections idle inside a transaction (the app holds one open while it waits on something else) */
  idleInTxAvg: number;
  waitEvents: Record<string, number>;
}

/**
 * A decision run lasts at most this long: the 16 leads have ~200 pending requests each in the
 * fixture, shared by the one- and two-instance runs (see splitQueues).
 */
export const DECISION_MAX_SECONDS = 10;

/**
 * Each approver's queue cut into `runs` equal parts, one per decision run, so the first run cannot
 * use up what the second needs (a run that still runs out says so, and its rate is taken over the
 * time every worker was busy).
 */
export function splitQueues(approvers: readonly Approver[], runs: number): Approver[][] {
  return Array.from({ length: runs }, (_, k) =>
    approvers.map((a) => {
      const per = Math.ceil(a.queue.length / runs);
      return { ...a, queue: a.queue.slice(k * per, (k + 1) * per) };
    }),
  );
}

/** The pending requests each approver decides, oldest first. */
export async function pendingFor(url: string, emails: string[]): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ email: string; id: string }>(
      `select i.email, r.id from access_requests r
         join request_approvers a on a.request_id = r.id and a.stage = r.current_stage
         join identities i on i.id = a.identity_id
       where i.email = any($1) and r.status = 'pending'
       order by r.created_at, r.id`,
      [emails],
    );
    const out = new Map<string, string[]>(emails.map((e) => [e, []]));
    for (const r of rows) out.get(r.email)!.push(r.id);
    return out;
  } finally {
    await client.end();
  }
}

async function sampleLocks(url: string, database: string, stop: () => boolean, into: DecisionResult): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let active = 0;
  let waiting = 0;
  let idleInTx = 0;
  try {
    while (!stop()) {
      const { rows } = await client.query<{ state: string; wait_event_type: string | null; wait_event: string | null }>(
        "select state, wait_event_type, wait_event from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'",
        [database],
      );
      const act = rows.filter((r) => r.state === "active");
      const locked = act.filter((r) => r.wait_event_type === "Lock");
      idleInTx += rows.filter((r) => r.state === "idle in transaction").length;
      for (const r of act) {
        const key = r.wait_event_type ? `${r.wait_event_type}:${r.wait_event}` : "running";
        into.waitEvents[key] = (into.waitEvents[key] ?? 0) + 1;
      }
      into.samples++;
      active += act.length;
      waiting += locked.length;
      into.lockWaitMax = Math.max(into.lockWaitMax, locked.length);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await client.end();
  }
  into.activeAvg = into.samples ? active / into.samples : 0;
  into.lockWaitAvg = into.samples ? waiting / into.samples : 0;
  into.idleInTxAvg = into.samples ? idleInTx / into.samples : 0;
}

/**
 * The rate over the window in which every worker was busy: from the start until the first worker
 * stopped (ran out of requests, or reached the deadline), counting the decisions answered in it.
 * Answers that arrive after a worker ran out come from fewer than all workers and are left out.
 */
export function busyWindowRate(
  startMs: number,
  stoppedAtMs: readonly number[],
  answeredAtMs: readonly number[],
): { seconds: number; decisions: number; perSecond: number } {
  const end = Math.min(...stoppedAtMs);
  const seconds = Math.max(0, (end - startMs) / 1000);
  const decisions = answeredAtMs.filter((t) => t <= end).length;
  return { seconds, decisions, perSecond: seconds > 0 ? decisions / seconds : 0 };
}

export async function decisionMix(options: {
  bases: string[];
  approvers: Approver[];
  seconds: number;
  monitorUrl: string;
  database: string;
}): Promise<DecisionResult> {
  const result: DecisionResult = {
    decisions: 0,
    errors: 0,
    firstError: null,
    seconds: 0,
    perSecond: 0,
    busySeconds: 0,
    busyDecisions: 0,
    ranOut: false,
    samples: 0,
    activeAvg: 0,
    lockWaitAvg: 0,
    lockWaitMax: 0,
    idleInTxAvg: 0,
    waitEvents: {},
  };
  const t0 = performance.now();
  const deadline = t0 + options.seconds * 1000;
  let done = false;
  const sampler = sampleLocks(options.monitorUrl, options.database, () => done, result);
  // When each worker stopped being busy (ran out, or the deadline), and when each decision was answered.
  const stoppedAt: number[] = options.approvers.map(() => deadline);
  const answeredAt: number[] = [];
  const worker = async (approver: Approver, i: number) => {
    const base = options.bases[i % options.bases.length]!;
    while (performance.now() < deadline) {
      const requestId = approver.queue.shift();
      if (!requestId) {
        result.ranOut = true;
        stoppedAt[i] = performance.now();
        return;
      }
      try {
        const res = await fetch(`${base}/api/trpc/requests.decide`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: approver.cookie },
          body: encodeInput({ requestId, decision: "approve", note: "Fine for the certification." }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.ok) {
          result.decisions++;
          answeredAt.push(performance.now());
        } else {
          result.errors++;
          result.firstError ??= `${res.status} ${text.slice(0, 200)}`;
        }
      } catch (err) {
        result.errors++;
        result.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(options.approvers.map(worker));
  result.seconds = (performance.now() - t0) / 1000;
  done = true;
  await sampler;
  const busy = busyWindowRate(t0, stoppedAt, answeredAt);
  result.perSecond = busy.perSecond;
  result.busySeconds = busy.seconds;
  result.busyDecisions = busy.decisions;
  return result;
}
