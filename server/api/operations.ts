import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { DomainError, isDomainError } from "@/server/core/errors";
import { rateLimited } from "@/server/core/rate-limit";
import { metricsToken } from "@/server/config";
import { getDb, type Db } from "@/server/db/client";
import { addressBucket, clientAddress } from "@/server/http/client-address";
import { bearerToken } from "@/server/http/bearer";
import { rateLimitRule } from "@/server/http/limits";
import { localRateLimiter } from "@/server/http/local-rate-limit";
import { processMetrics, setOperationalFigures } from "@/server/http/metrics-registry";
import { newAdapterCallTotals, readOperationalFigures } from "@/server/services/operations/figures";
import { checkReadiness, type Readiness } from "@/server/services/operations/readiness";
import { httpProblem } from "./errors";

type Env = Record<string, string | undefined>;
interface OperatorContext {
  db?: Db;
  env?: Env;
  clock?: () => Date;
}

// Per process, as the endpoints are asked per instance (server/http/local-rate-limit.ts).
const limiter = localRateLimiter();
const NO_STORE = { "cache-control": "no-store" };
/** This process's running count of the adapter call log, and one scrape at a time adding to it. */
const adapterCallTotals = newAdapterCallTotals();
let scraping: Promise<unknown> = Promise.resolve();

/** Every operator request counts against its address; throws RATE_LIMITED when over. */
function countRequest(request: Request, env: Env, now: Date) {
  const bucket = `operator:${addressBucket(clientAddress(request.headers))}`;
  limiter.hit(bucket, rateLimitRule("operator", env), "health, readiness and metrics requests from your address", now);
}

async function answer(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (isDomainError(err))
      return httpProblem(
        err,
        err.code === "UNAUTHENTICATED" ? { ...NO_STORE, "www-authenticate": "Bearer" } : NO_STORE,
      );
    throw err;
  }
}

/**
 * GET /api/health: liveness. The process answers; no database call, so a slow database restarts
 * nothing. Not rate limited: it does no work, and behind a load balancer every caller shares the
 * balancer's address, so a limit would let a flood of outside requests fail the balancer's own
 * probes and take the instance out of service.
 */
export function handleHealth() {
  return Response.json({ status: "ok" }, { headers: NO_STORE });
}

/** Readiness as last asked, reused for a second: however many ask, the database is asked once a second. */
const READY_FOR_MS = 1_000;
let lastReadiness: { at: number; answer: Promise<Readiness> } | null = null;

/**
 * GET /api/ready: readiness (server/services/operations/readiness.ts); 503 while not ready. Not
 * limited per address either (the same reason as health): the answer is shared for a second
 * instead, which bounds what a flood costs the database to two small queries a second.
 */
export function handleReady(
  _request: Request,
  {
    db = getDb(),
    env = process.env,
    clock = () => new Date(),
    fresh = false,
  }: OperatorContext & { fresh?: boolean } = {},
) {
  return answer(async () => {
    const now = clock();
    if (fresh || !lastReadiness || now.getTime() - lastReadiness.at >= READY_FOR_MS || now.getTime() < lastReadiness.at)
      lastReadiness = { at: now.getTime(), answer: checkReadiness({ db, env, now }) };
    const readiness = await lastReadiness.answer;
    return Response.json(readiness, { status: readiness.status === "ready" ? 200 : 503, headers: NO_STORE });
  });
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * GET /api/metrics: Prometheus's text format, for the bearer token CLEARANCE_METRICS_TOKEN; 404
 * when that is unset (the endpoint does not exist). Wrong tokens are counted per address, and an
 * address that spent its wrong tokens is refused before its token is compared.
 */
export function handleMetrics(
  request: Request,
  { db = getDb(), env = process.env, clock = () => new Date() }: OperatorContext = {},
) {
  return answer(async () => {
    const now = clock();
    countRequest(request, env, now);
    const expected = metricsToken(env);
    if (!expected) return Response.json({ error: "Not found" }, { status: 404, headers: NO_STORE });
    const wrongBucket = `operator-wrong:${addressBucket(clientAddress(request.headers))}`;
    const wrongRule = rateLimitRule("wrongToken", env);
    const wait = limiter.spent(wrongBucket, wrongRule, now);
    if (wait) throw rateLimited("requests with a missing or wrong token from your address", wait);
    const given = bearerToken(request.headers.get("authorization"));
    if (!given || !timingSafeEqual(digest(given), digest(expected))) {
      limiter.hit(wrongBucket, wrongRule, "requests with a missing or wrong token from your address", now);
      throw new DomainError(
        "UNAUTHENTICATED",
        "GET /api/metrics needs Authorization: Bearer <CLEARANCE_METRICS_TOKEN>",
      );
    }
    const metrics = processMetrics();
    const scrape = scraping.then(async () => {
      setOperationalFigures(metrics, await readOperationalFigures(db, now, adapterCallTotals));
      return metrics.registry.metrics();
    });
    scraping = scrape.catch(() => undefined);
    return new Response(await scrape, {
      headers: { "content-type": metrics.registry.contentType, ...NO_STORE },
    });
  });
}
