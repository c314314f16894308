// `node --import tsx bench/lists.ts`: what each list read costs on a scratch database of the
// 10,000-person size (DATABASE_URL): rows the queries read, bytes returned (superjson, as tRPC
// sends them), PostgreSQL time (EXPLAIN ANALYZE of every query the call made) and Node CPU per call.
// The database: `npm run db:seed` (the demo organization) into an empty one, then bench/lists-fixture.sql.
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import pg from "pg";
import superjson from "superjson";
import type { Actor } from "@/server/core/actor";
import { createDrizzle, type Db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { actorForIdentity } from "@/server/services/sessions";
import { listAuditEvents } from "@/server/services/audit-log";
import { exceptionsOnMyResources, myTemporaryAccess } from "@/server/services/exceptions/mine";
import { listExceptions } from "@/server/services/exceptions/queries";
import { listIdentities } from "@/server/services/identities";
import { myExpectedAccess, myProfile } from "@/server/services/my-access";
import { previewReport } from "@/server/services/reports/export";
import { inboxCount, listInbox } from "@/server/services/requests/inbox";

type Query = { text: string; values?: unknown[] };
const recorded: Query[] = [];
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const original = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
let recording = false;
(pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
  const [q, v] = args as [string | Query, unknown[] | undefined];
  if (recording)
    recorded.push(typeof q === "string" ? { text: q, values: v } : { text: q.text, values: q.values ?? v });
  return original(...args);
};
const db: Db = createDrizzle(pool);

async function actorOf(email: string) {
  const { rows } = (await original(`select id from identities where email = $1`, [email])) as {
    rows: { id: string }[];
  };
  return (await actorForIdentity(db, rows[0]!.id))!;
}
const ctxOf = (actor: Actor): ServiceContext => ({ db, actor, clock: () => new Date() });

interface Plan {
  "Node Type": string;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: Plan[];
}
const scans = /Scan$/;
function rowsRead(p: Plan): number {
  const own = scans.test(p["Node Type"]) ? p["Actual Rows"] * p["Actual Loops"] : 0;
  return own + (p.Plans ?? []).reduce((n, c) => n + rowsRead(c), 0);
}
function seqScans(p: Plan, out: Set<string>) {
  if (p["Node Type"] === "Seq Scan") out.add((p as unknown as { "Relation Name": string })["Relation Name"]);
  for (const c of p.Plans ?? []) seqScans(c, out);
}

async function measure(name: string, call: () => Promise<unknown>) {
  await call(); // warm: caches, prepared policy engine
  recorded.length = 0;
  recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await call();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  recording = false;
  const queries = [...recorded];
  let pgMs = 0;
  let read = 0;
  const seq = new Set<string>();
  for (const q of queries) {
    if (!/^\s*(select|with)/i.test(q.text)) continue;
    const { rows } = (await original(`explain (analyze, format json) ${q.text}`, q.values)) as {
      rows: { "QUERY PLAN": [{ Plan: Plan; "Execution Time": number }] }[];
    };
    const plan = rows[0]!["QUERY PLAN"][0];
    pgMs += plan["Execution Time"];
    read += rowsRead(plan.Plan);
    seqScans(plan.Plan, seq);
  }
  return {
    name,
    queries: queries.length,
    rowsRead: read,
    bytes: superjson.stringify(result).length,
    pgMs: Math.round(pgMs * 10) / 10,
    cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    wallMs: Math.round(wall),
    seqScans: [...seq].join(" ") || "-",
  };
}

const cfo = await actorOf("cfo@company.com");
const it = await actorOf("priya.raman@company.com");
const auditor = await actorOf("auditor@company.com");
const employee = await actorOf("sarah.chen@company.com");
const pageOf = (r: unknown) => r;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`load average before: ${load()}`);
const table = [];
table.push(
  await measure("inbox.list (CFO)", async () => pageOf(await listInbox({ ctx: ctxOf(cfo) as never, input: {} }))),
);
table.push(await measure("inbox.count (CFO)", () => inboxCount({ ctx: ctxOf(cfo) as never })));
table.push(await measure("exceptions.list (IT)", () => listExceptions({ ctx: ctxOf(it), input: { limit: 25 } })));
table.push(
  await measure("my access (4 calls)", () =>
    Promise.all([
      myProfile({ ctx: ctxOf(employee) as never }),
      myExpectedAccess({ ctx: ctxOf(employee) as never }),
      myTemporaryAccess({ ctx: ctxOf(employee) as never }),
      exceptionsOnMyResources({ ctx: ctxOf(employee) as never }),
    ]),
  ),
);
table.push(
  await measure("identities.list (IT)", () =>
    listIdentities({ ctx: ctxOf(it), input: { page: 1, pageSize: 25, sort: "name", direction: "asc" } as never }),
  ),
);
table.push(
  await measure("auditLog.list first page", () => listAuditEvents({ ctx: ctxOf(auditor), input: { limit: 50 } })),
);
table.push(
  await measure("reports.preview exceptions (100)", () =>
    previewReport({ ctx: ctxOf(auditor), input: { kind: "exceptions", filters: {}, limit: 100 } }),
  ),
);
console.table(table);
const hwm = readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+)/)?.[1];
console.log(
  `load average after: ${load()} · peak RSS ${Math.round(Number(hwm) / 1024)} MB (busy shared 2-core machine)`,
);
await pool.end();
process.exit(0);
