import { batchPath, encodeInput, queryPath } from "./trpc";

/**
 * The endpoints the benchmark loads, in one table: who calls it, how, and whether it is a list
 * read (goal 1: ≥ 50 % of the no-database route's requests/s and p95 ≤ 100 ms at 10 connections).
 * Procedure names and inputs follow server/api/routers/* and the pages under app/; when a
 * procedure's input changes (pagination), change it here only.
 */

export type Persona = "none" | "cfo" | "itAdmin" | "auditor" | "employee";

export interface Endpoint {
  name: string;
  persona: Persona;
  method: "GET" | "POST";
  /** the path (and query), given what the run knows (a request the CFO may write on) */
  path: (ctx: EndpointContext) => string;
  body?: (ctx: EndpointContext) => string;
  /** counted in goal 1's list reads */
  listRead?: boolean;
  /** in --quick runs */
  quick?: boolean;
  /** the no-database route every other row is compared with */
  baseline?: boolean;
}

export interface EndpointContext {
  /** a pending request the CFO decides (requests.postMessage writes on it) */
  cfoRequestId: string;
}

export const BASELINE = "auth.csrf (no database)";
export const EXCEPTION_LOG = "reports.preview exception log (auditor)";

export const endpoints: Endpoint[] = [
  { name: BASELINE, persona: "none", method: "GET", path: () => "/api/auth/csrf", baseline: true, quick: true },
  { name: "inbox.count (CFO)", persona: "cfo", method: "GET", path: () => queryPath("inbox.count"), quick: true },
  {
    name: "inbox.list (CFO)",
    persona: "cfo",
    method: "GET",
    path: () => queryPath("inbox.list", { limit: 25 }),
    listRead: true,
    quick: true,
  },
  {
    // The exceptions dashboard: its list with the counts every page of it shows.
    name: "exceptions.list + counts (IT)",
    persona: "itAdmin",
    method: "GET",
    path: () => queryPath("exceptions.list", { limit: 25, status: "open" }),
    listRead: true,
    quick: true,
  },
  { name: "My access page (employee)", persona: "employee", method: "GET", path: () => "/access", listRead: true },
  {
    name: "My access tRPC batch (employee)",
    persona: "employee",
    method: "GET",
    path: () =>
      batchPath([
        { path: "me.profile" },
        { path: "me.access" },
        { path: "exceptions.mine" },
        { path: "exceptions.onMyResources" },
      ]),
    listRead: true,
  },
  {
    name: "identities.list (IT)",
    persona: "itAdmin",
    method: "GET",
    path: () => queryPath("identities.list", { page: 1, pageSize: 25 }),
    listRead: true,
  },
  {
    name: "auditLog.list first page (auditor)",
    persona: "auditor",
    method: "GET",
    path: () => queryPath("auditLog.list", { limit: 50 }),
    listRead: true,
  },
  {
    name: EXCEPTION_LOG,
    persona: "auditor",
    method: "GET",
    path: () => queryPath("reports.preview", { kind: "exceptions", filters: {}, limit: 100 }),
    quick: true,
  },
  {
    name: "requests.postMessage (CFO, write)",
    persona: "cfo",
    method: "POST",
    path: () => "/api/trpc/requests.postMessage",
    body: (ctx) =>
      encodeInput({ requestId: ctx.cfoRequestId, body: "Looking at this today; the budget owner agrees." }),
  },
];
