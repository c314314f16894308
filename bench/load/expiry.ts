import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { percentile } from "../measure";

/**
 * The slow-adapter expiry scenario (goal 3): a system on the webhook adapter whose target (a
 * local HTTP server) takes 1.5 s per call, and 200 active exceptions on it that all expire at
 * the same moment while the instances run with jobs on. Measured from the database once all are
 * removed (or the wait gives up): ended − expiry (goal: p99 ≤ 5 s) and removal delivered − expiry,
 * and from the target: how many revoke calls came, and how many exceptions got more than one.
 */

export const EXPIRING = 200;
const SYSTEM = "slow-webhook";
const RESOURCE = `${SYSTEM}:group:load-bench`;

export interface ExpiryResult {
  exceptions: number;
  ended: number;
  removed: number;
  endedP50: number;
  endedP99: number;
  removedP50: number;
  removedP99: number;
  revokeCalls: number;
  repeatedRevokes: number;
  waitedSeconds: number;
}

/** The target: answers every webhook call after `delayMs`, counting revokes by holder. */
function slowTarget(delayMs: number): Promise<{ server: Server; url: string; revokes: Map<string, number> }> {
  const revokes = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      setTimeout(() => {
        try {
          const call = JSON.parse(body) as { action?: string; username?: string; exceptionId?: string };
          if (call.action === "revoke") {
            const who = `${call.username ?? ""}`;
            revokes.set(who, (revokes.get(who) ?? 0) + 1);
          }
        } catch {
          // not JSON: answered all the same
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access: [], ok: true }));
      }, delayMs);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/clearance`, revokes });
    }),
  );
}

export async function expiryScenario(options: {
  appUrl: string;
  leadSeconds: number;
  maxWaitSeconds: number;
  log: (l: string) => void;
}): Promise<ExpiryResult> {
  const target = await slowTarget(1_500);
  const client = new pg.Client({ connectionString: options.appUrl });
  await client.connect();
  try {
    await client.query(
      `insert into systems (key, name, description, adapter_kind, adapter_config, access_levels)
       values ($1, 'Slow webhook', 'Load benchmark: a target that takes 1.5 s per call', 'webhook', $2, '{member}')
       on conflict (key) do update set adapter_config = excluded.adapter_config`,
      [SYSTEM, JSON.stringify({ url: target.url, secret: "load-bench-webhook-secret", timeoutMs: 10_000 })],
    );
    await client.query(
      `insert into resources (key, system_key, type, name, description) values ($1, $2, 'group', 'load-bench', 'Load benchmark group')
       on conflict (key) do nothing`,
      [RESOURCE, SYSTEM],
    );
    // Holders: distinct active people, so every removal is a separate call at the target.
    const { rows: holders } = await client.query<{ id: string }>(
      "select id from identities where employment_status = 'Active' and external_id like 'load-%' order by external_id desc limit $1",
      [EXPIRING],
    );
    const { rows: it } = await client.query<{ id: string }>(
      "select id from identities where email = 'priya.raman@company.com'",
    );
    const expiresAt = new Date(Date.now() + options.leadSeconds * 1000);
    await client.query(
      `insert into access_exceptions (identity_id, resource_key, source, type, justification, approver_id, approved_at,
         created_by, created_at, starts_at, expires_at, status, delivered_at)
       select h, $2, 'admin', 'project', 'Load benchmark: expires with 199 others', $3, now() - interval '1 day',
         'system:load-bench', now() - interval '1 day', now() - interval '1 day', $4, 'active', now() - interval '1 day'
       from unnest($1::uuid[]) as h`,
      [holders.map((h) => h.id), RESOURCE, it[0]!.id, expiresAt],
    );
    options.log(`${holders.length} exceptions on ${SYSTEM} expire at ${expiresAt.toISOString()}`);
    const t0 = Date.now();
    const deadline = expiresAt.getTime() + options.maxWaitSeconds * 1000;
    let counts = { ended: 0, removed: 0 };
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      const { rows } = await client.query<{ ended: number; removed: number }>(
        `select count(ended_at)::int as ended, count(*) filter (where status = 'removed')::int as removed
         from access_exceptions where resource_key = $1`,
        [RESOURCE],
      );
      counts = rows[0]!;
      if (counts.removed >= holders.length) break;
    }
    // Ended: when the expiry committed, i.e. its audit event (ended_at itself is set to the expiry moment).
    const { rows } = await client.query<{ ended_ms: number | null; removed_ms: number | null }>(
      `select extract(epoch from (ev.at - x.expires_at)) * 1000 as ended_ms,
              extract(epoch from (x.removal_delivered_at - x.expires_at)) * 1000 as removed_ms
       from access_exceptions x
       left join lateral (select min(occurred_at) as at from audit_events a
                          where a.subject_type = 'access_exception' and a.subject_id = x.id::text
                            and a.action = 'exception.expired') ev on true
       where x.resource_key = $1`,
      [RESOURCE],
    );
    const ended = rows.filter((r) => r.ended_ms !== null).map((r) => Number(r.ended_ms));
    const removed = rows.filter((r) => r.removed_ms !== null).map((r) => Number(r.removed_ms));
    // Not ended or not removed by the deadline counts as the whole wait (a miss).
    const waited = (deadline - expiresAt.getTime()) as number;
    const pad = (xs: number[]) => [...xs, ...Array<number>(holders.length - xs.length).fill(waited)];
    const calls = [...target.revokes.values()];
    return {
      exceptions: holders.length,
      ended: ended.length,
      removed: counts.removed,
      endedP50: percentile(pad(ended), 50),
      endedP99: percentile(pad(ended), 99),
      removedP50: percentile(pad(removed), 50),
      removedP99: percentile(pad(removed), 99),
      revokeCalls: calls.reduce((s, n) => s + n, 0),
      repeatedRevokes: calls.filter((n) => n > 1).length,
      waitedSeconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await client.end();
    target.server.close();
  }
}
