/**
 * CPU per call of each part of a signed-in call's fixed cost, outside Next.js (issue 14):
 * Auth.js's session endpoint as auth() runs it, the JWT decode alone, the actor's queries, the
 * rate-limit hit. process.cpuUsage() of this process, so the figures hold on a busy machine.
 *   DATABASE_URL=... SESSION_ID=... node --import tsx bench/session-parts.ts
 */
import { Auth, type AuthConfig } from "@auth/core";
import { decode, encode } from "@auth/core/jwt";
import { loadavg } from "node:os";
import { and, eq, gt, isNull } from "drizzle-orm";
import { closeDb, getDb } from "@/server/db/client";
import { portalSessions } from "@/server/db/schema";
import { hitRateLimit } from "@/server/services/rate-limits";
import { SessionActorCache } from "@/server/services/session-cache";
import { actorForIdentity, actorForSession } from "@/server/services/sessions";
import { sessionIdFromCookie } from "@/server/auth/session-token";
import { table } from "./measure";

const secret = "bench-secret-0123456789abcdef0123456789";
const salt = "authjs.session-token";
const sessionId = process.env.SESSION_ID!;
const token = await encode({ token: { sessionId, name: "x", email: "x@y" }, secret, salt, maxAge: 3600 });
const config = {
  secret,
  trustHost: true,
  basePath: "/api/auth",
  providers: [],
  session: { strategy: "jwt" as const, maxAge: 3600 },
  callbacks: {
    session: ({ session, token: t }: { session: object; token: { sessionId?: string } }) => ({
      ...session,
      sessionId: t.sessionId,
    }),
  },
} as unknown as AuthConfig;

async function cpuPerCall(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

const db = getDb();
const rows: [string, number][] = [];
rows.push([
  "Auth.js session endpoint (what auth() runs)",
  await cpuPerCall(1000, async () => {
    const res = await Auth(
      new Request("http://127.0.0.1:3000/api/auth/session", { headers: { cookie: `${salt}=${token}` } }),
      config,
    );
    return (res as unknown as Response).json();
  }),
]);
rows.push(["JWT decode alone", await cpuPerCall(1000, () => decode({ token, secret, salt }))]);
const identityId = (await actorForSession(db, sessionId, new Date()))!.identityId;
rows.push([
  "before: session, identity, roles (3 queries)",
  await cpuPerCall(1000, async () => {
    // As actorForSession was: the session row, then the identity and its roles.
    await db
      .select({ identityId: portalSessions.identityId })
      .from(portalSessions)
      .where(
        and(eq(portalSessions.id, sessionId), isNull(portalSessions.endedAt), gt(portalSessions.expiresAt, new Date())),
      )
      .limit(1);
    return actorForIdentity(db, identityId);
  }),
]);
rows.push([
  "after, cache miss: loadSessionActor (1 query)",
  await cpuPerCall(1000, () => actorForSession(db, sessionId, new Date())),
]);
const cache = new SessionActorCache({ connected: true, epoch: 0, subscribe: () => () => undefined });
rows.push(["after, cache hit", await cpuPerCall(10000, () => cache.actorForSession(db, sessionId, new Date()))]);
process.env.AUTH_SECRET = secret;
const cookieHeaders = new Headers({ cookie: `${salt}=${token}; tz=Europe/Berlin` });
rows.push([
  "after: session id from the cookie (decoded once)",
  await cpuPerCall(10000, () => sessionIdFromCookie(cookieHeaders, Date.now())),
]);
rows.push([
  "rate-limit hit (1 upsert)",
  await cpuPerCall(1000, () =>
    hitRateLimit({ db, clock: () => new Date() }, "bench:x", { limit: 1e6, windowSeconds: 60 }),
  ),
]);
console.log(
  table(
    ["part", "CPU ms/call"],
    rows.map(([p, ms]) => [p, ms.toFixed(3)]),
  ),
);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
await closeDb();
